import { type HttpMethods } from "@azure/core-rest-pipeline";

/** How a demo operation starts: what it does to which widget, and how the server should behave. */
export interface Scenario {
  /** The row's label. */
  readonly name: string;
  readonly widget: string;
  readonly method: HttpMethods;
  readonly action?: "restart" | "migrate";
  /** The server's LRO header model for this request (ARM's default for the method when absent). */
  readonly lroHeaders?: "azure-async-operation" | "location" | "both";
  readonly outcome?: "succeed" | "fail" | "cancel";
  /** How long the operation runs on the server, in ms. */
  readonly duration: number;
  /** Unsubscribed after its second state, then resumed from that state's continuation token. */
  readonly resumeMidway?: boolean;
  /** The widget must exist first (PATCH, DELETE, actions). */
  readonly needsWidget?: boolean;
}

/** About a dozen operations: every method × header model, two failures, a cancellation, a resume. */
export const scenarios: readonly Scenario[] = [
  { name: "create alpha", widget: "alpha", method: "PUT", duration: 4000 },
  { name: "create bravo (Location)", widget: "bravo", method: "PUT", lroHeaders: "location", duration: 5000 },
  { name: "create charlie (both)", widget: "charlie", method: "PUT", lroHeaders: "both", duration: 3000, outcome: "fail" },
  { name: "update delta", widget: "delta", method: "PATCH", duration: 4500, needsWidget: true },
  { name: "update echo (AsyncOp)", widget: "echo", method: "PATCH", lroHeaders: "azure-async-operation", duration: 6000, needsWidget: true },
  { name: "delete foxtrot", widget: "foxtrot", method: "DELETE", duration: 3500, needsWidget: true },
  { name: "delete golf (both)", widget: "golf", method: "DELETE", lroHeaders: "both", duration: 5000, needsWidget: true, outcome: "cancel" },
  { name: "restart hotel", widget: "hotel", method: "POST", action: "restart", duration: 2500, needsWidget: true },
  { name: "restart india (AsyncOp)", widget: "india", method: "POST", action: "restart", lroHeaders: "azure-async-operation", duration: 4000, needsWidget: true },
  { name: "migrate juliet", widget: "juliet", method: "POST", action: "migrate", duration: 7000, needsWidget: true },
  { name: "migrate kilo (both)", widget: "kilo", method: "POST", action: "migrate", lroHeaders: "both", duration: 5500, needsWidget: true, outcome: "fail" },
  { name: "create lima (resumed)", widget: "lima", method: "PUT", duration: 6500, resumeMidway: true },
];
