import type { Routes } from "@angular/router";
import { WidgetDetail } from "./widget-detail";
import { WidgetList } from "./widget-list";

export const routes: Routes = [
  { path: "", component: WidgetList, title: "Widgets" },
  { path: "widgets/:name", component: WidgetDetail, title: "Widget" },
  { path: "**", redirectTo: "" },
];
