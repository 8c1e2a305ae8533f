import { ChangeDetectionStrategy, Component, computed, inject } from "@angular/core";
import { LroService } from "rx-lro/angular";
import { PortalOperations, type StartedOperation } from "./portal-operations";

/** One line of the drawer. */
interface DrawerRow {
  readonly id: string;
  readonly label: string;
  /** rx-lro's status, "error" for a stream error (an initial 4xx), or "pending" before the first response. */
  readonly status: string;
  readonly providerStatus: string | undefined;
  readonly percent: number | undefined;
  readonly message: string | undefined;
  /** False once canceled here: the operation goes on on the server, unfollowed. */
  readonly followed: boolean;
  readonly operation: StartedOperation | undefined;
}

/**
 * The notifications drawer: every operation on the hub (`LroService.operations`, resumed ones
 * included) with its progress, plus what started here and never reached the hub (an initial 4xx).
 */
@Component({
  selector: "app-operations-drawer",
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <aside class="drawer" aria-label="Operations">
      <h2>Operations <small class="muted" data-summary>{{ summaryText() }}</small></h2>
      @if (rows().length === 0) {
        <p class="muted">No operations yet.</p>
      }
      <ul>
        @for (row of rows(); track row.id) {
          <li
            class="op"
            [attr.data-op-id]="row.id"
            [attr.data-label]="row.label"
            [attr.data-status]="row.status"
            [attr.data-provider-status]="row.providerStatus"
            [attr.data-percent]="row.percent"
            [attr.data-followed]="row.followed"
          >
            <strong>{{ row.label }}</strong>
            <span class="status">{{ row.followed ? row.status : "not followed" }}</span>
            @if (row.providerStatus) {
              <span class="muted">({{ row.providerStatus }})</span>
            }
            @if (row.percent !== undefined && row.status === "running") {
              <progress max="100" [value]="row.percent"></progress> {{ row.percent }}%
            }
            @if (row.message) {
              <div class="error" data-message>{{ row.message }}</div>
            }
            @if (row.operation && row.followed && (row.status === "running" || row.status === "notStarted" || row.status === "pending")) {
              <button type="button" data-cancel (click)="row.operation.cancel()">Cancel</button>
            }
            @if (!row.followed) {
              <div class="muted">Stopped following: the operation goes on on the server.</div>
            }
          </li>
        }
      </ul>
    </aside>
  `,
  styles: `
    .drawer { border-left: 1px solid #d0d7de; padding: 0 1rem; min-width: 22rem; }
    ul { list-style: none; padding: 0; }
    .op { padding: 0.5rem 0; border-bottom: 1px solid #eaeef2; }
    .status { margin-left: 0.5rem; }
  `,
})
export class OperationsDrawer {
  private readonly lro = inject(LroService);
  private readonly operations = inject(PortalOperations);

  protected readonly summaryText = computed(() => {
    const { running, notStarted, total } = this.lro.summary();
    return `${running + notStarted} running of ${total}`;
  });

  protected readonly rows = computed((): readonly DrawerRow[] => {
    const started = new Map<string, StartedOperation>();
    const rows: DrawerRow[] = [];
    for (const operation of this.operations.started()) {
      const id = operation.hubId();
      if (id !== undefined) {
        started.set(id, operation);
        continue;
      }
      const view = operation.view();
      rows.push({
        id: `local-${operation.key}`,
        label: operation.label,
        status: view.status === "idle" ? "pending" : view.status,
        providerStatus: undefined,
        percent: undefined,
        message: view.errorMessage,
        followed: operation.following(),
        operation,
      });
    }
    for (const { id, label, state } of this.lro.operations()) {
      const operation = started.get(id);
      rows.push({
        id,
        label: label ?? operation?.label ?? "Operation",
        status: state.status,
        providerStatus: state.providerStatus,
        percent: state.percentComplete,
        message: state.status === "failed" || state.status === "canceled" ? (state.error?.message ?? `The operation ${state.status}.`) : undefined,
        // Resumed after a reload, the service follows it itself.
        followed: operation?.following() ?? true,
        operation,
      });
    }
    return rows;
  });
}
