import { httpResource } from "@angular/common/http";
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from "@angular/core";
import { RouterLink } from "@angular/router";
import { LroService, lroState } from "rx-lro/angular";
import { ARM_API, widgetUrl, type Widget, type WidgetAction } from "./arm-api";
import { PortalOperations } from "./portal-operations";

/**
 * One widget and the operation running on it. The page WATCHES the operation on the hub
 * (`LroService.watch`): it shares the drawer's poll loop rather than polling again, and leaving
 * the page only drops its own subscription.
 */
@Component({
  selector: "app-widget-detail",
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section>
      <p><a routerLink="/">← Widgets</a></p>
      <h1 data-detail-name>{{ name() }}</h1>
      @if (widget.hasValue()) {
        <dl>
          <dt>Provisioning state</dt>
          <dd data-provisioning-state>{{ widget.value().properties.provisioningState }}</dd>
          <dt>Location</dt>
          <dd>{{ widget.value().location }}</dd>
          <dt>Color</dt>
          <dd>{{ widget.value().properties.color }}</dd>
        </dl>
      } @else if (widget.error()) {
        <p class="error" data-not-found>This widget does not exist (any more).</p>
      }
      <h2>Operation</h2>
      @let view = live();
      <div class="live" [attr.data-live-status]="view.status" [attr.data-live-percent]="view.state?.percentComplete">
        @switch (view.status) {
          @case ("idle") {
            <p class="muted">Nothing running on this widget.</p>
          }
          @case ("running") {
            <p>{{ view.state?.providerStatus }} <progress max="100" [value]="view.state?.percentComplete ?? 0"></progress></p>
          }
          @case ("notStarted") {
            <p>{{ view.state?.providerStatus }}</p>
          }
          @case ("succeeded") {
            <p>Succeeded.</p>
          }
          @default {
            <p class="error" data-live-message>{{ view.errorMessage }}</p>
          }
        }
      </div>
      <p>
        <button type="button" data-action="update" (click)="act('update')">Update</button>
        <button type="button" data-action="restart" (click)="act('restart')">Restart</button>
        <button type="button" data-action="delete" (click)="act('delete')">Delete</button>
        @if (current(); as operation) {
          @if (view.status === "running" || view.status === "notStarted") {
            <button type="button" data-cancel (click)="operation.cancel()">Cancel</button>
          }
        }
      </p>
    </section>
  `,
})
export class WidgetDetail {
  /** The route's `:name` (withComponentInputBinding). */
  readonly name = input.required<string>();

  private readonly api = inject(ARM_API);
  private readonly lro = inject(LroService);
  private readonly operations = inject(PortalOperations);

  protected readonly widget = httpResource<Widget>(() => widgetUrl(this.api, this.name()));
  /** The newest operation started on this widget and still followed. */
  protected readonly current = computed(() => this.operations.latestFor(this.name()));
  private readonly currentId = computed(() => this.current()?.hubId());

  /** The operation's states through the hub: a new operation (or none) switches the watch. */
  protected readonly live = lroState(() => {
    const id = this.currentId();
    if (id === undefined) return undefined;
    const state = untracked(() => this.current()?.view().state);
    return state === undefined ? undefined : this.lro.watch(state);
  });

  constructor() {
    // The widget changes when its operation ends.
    effect(() => {
      const status = this.live().status;
      if (status === "succeeded" || status === "failed" || status === "canceled") untracked(() => this.widget.reload());
    });
  }

  protected act(action: WidgetAction): void {
    this.operations.start(action, this.name(), { duration: 4000 }, "purple");
  }
}
