import { httpResource } from "@angular/common/http";
import { ChangeDetectionStrategy, Component, computed, effect, inject, signal } from "@angular/core";
import { RouterLink } from "@angular/router";
import { LroService } from "rx-lro/angular";
import { ARM_API, widgetsUrl, type DemoKnobs, type Widget, type WidgetAction } from "./arm-api";
import { PortalOperations, type StartedOperation } from "./portal-operations";

/** The resource list: every widget, a form to create one, and the actions on each. */
@Component({
  selector: "app-widget-list",
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <section>
      <h1>Widgets</h1>
      <form class="create" (submit)="$event.preventDefault(); create()">
        <label>Name <input name="name" data-name [value]="name()" (input)="name.set(value($event))" /></label>
        <label
          >Outcome
          <select name="outcome" data-outcome (change)="outcome.set(outcomeOf($event))">
            <option value="succeed">succeed</option>
            <option value="fail">fail</option>
            <option value="cancel">cancel</option>
          </select>
        </label>
        <label>Duration (ms) <input name="duration" data-duration type="number" min="0" [value]="duration()" (input)="duration.set(+value($event))" /></label>
        <button type="submit" data-create>Create</button>
        @if (lastError(); as message) {
          <span class="error" data-form-error>{{ message }}</span>
        }
      </form>
      @if (widgets.error()) {
        <p class="error">Could not list the widgets.</p>
      }
      <table>
        <thead>
          <tr><th>Name</th><th>State</th><th>Color</th><th></th></tr>
        </thead>
        <tbody>
          @for (widget of list(); track widget.id) {
            <tr [attr.data-widget]="widget.name" [attr.data-state]="widget.properties.provisioningState">
              <td><a [routerLink]="['/widgets', widget.name]">{{ widget.name }}</a></td>
              <td>{{ widget.properties.provisioningState }}</td>
              <td>{{ widget.properties.color }}</td>
              <td>
                <button type="button" data-action="update" (click)="act('update', widget.name)">Update</button>
                <button type="button" data-action="restart" (click)="act('restart', widget.name)">Restart</button>
                <button type="button" data-action="delete" (click)="act('delete', widget.name)">Delete</button>
              </td>
            </tr>
          } @empty {
            <tr><td colspan="4" class="muted">No widgets yet.</td></tr>
          }
        </tbody>
      </table>
    </section>
  `,
})
export class WidgetList {
  private readonly api = inject(ARM_API);
  private readonly operations = inject(PortalOperations);
  private readonly lro = inject(LroService);

  protected readonly name = signal("widget-1");
  protected readonly outcome = signal<NonNullable<DemoKnobs["outcome"]>>("succeed");
  protected readonly duration = signal(4000);
  private readonly last = signal<StartedOperation | undefined>(undefined);

  protected readonly widgets = httpResource<{ value: Widget[] }>(() => widgetsUrl(this.api));
  protected readonly list = computed(() => (this.widgets.hasValue() ? this.widgets.value().value : []));
  /** The service's message when the last operation started here was refused (an initial 4xx). */
  protected readonly lastError = computed(() => {
    const view = this.last()?.view();
    return view?.status === "error" ? view.errorMessage : undefined;
  });

  constructor() {
    // Each operation that ends (or starts) changes the list: read it again.
    let seen = -1;
    effect(() => {
      const { succeeded, failed, canceled, total } = this.lro.summary();
      const finished = succeeded + failed + canceled + total;
      if (seen !== -1 && finished !== seen) this.widgets.reload();
      seen = finished;
    });
  }

  protected create(): void {
    this.last.set(this.operations.start("create", this.name().trim(), { outcome: this.outcome(), duration: this.duration() }));
  }

  protected act(action: WidgetAction, widget: string): void {
    this.last.set(this.operations.start(action, widget, { outcome: this.outcome(), duration: this.duration() }, "orange"));
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected outcomeOf(event: Event): NonNullable<DemoKnobs["outcome"]> {
    return (event.target as HTMLSelectElement).value as NonNullable<DemoKnobs["outcome"]>;
  }
}
