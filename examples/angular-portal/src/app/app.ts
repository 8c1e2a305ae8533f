import { ChangeDetectionStrategy, Component } from "@angular/core";
import { RouterOutlet } from "@angular/router";
import { OperationsDrawer } from "./operations-drawer";

@Component({
  selector: "app-root",
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, OperationsDrawer],
  template: `
    <header><strong>rx-lro portal</strong> <span class="muted">widgets on the embedded ARM server</span></header>
    <div class="layout">
      <main><router-outlet /></main>
      <app-operations-drawer />
    </div>
  `,
  styles: `
    header { padding: 0.75rem 1rem; background: #24292f; color: #fff; }
    .layout { display: flex; gap: 1rem; }
    main { flex: 1; padding: 0 1rem; }
  `,
})
export class App {}
