import { inject, Injectable, Injector, signal, type Signal } from "@angular/core";
import { tap } from "rxjs";
import { LroService, lroState, type LroView } from "rx-lro/angular";
import { ARM_API, widgetRequest, type DemoKnobs, type WidgetAction } from "./arm-api";

/** An operation this tab started: what it is, and its latest state. */
export interface StartedOperation {
  /** Local, stable key (the hub's id is known only from the first response on). */
  readonly key: number;
  readonly action: WidgetAction;
  readonly widget: string;
  /** "Create w1": also the label the hub (and its persistence) keeps. */
  readonly label: string;
  /** The latest state, or the stream's error (an initial 4xx) as a value. */
  readonly view: Signal<LroView<unknown>>;
  /** The hub's id of the operation (`LroService.hub.idOf`), from its first response on. */
  readonly hubId: Signal<string | undefined>;
  /** False once the user canceled (stopped following): the operation goes on on the server. */
  readonly following: Signal<boolean>;
  /** Stops following (unsubscribes): no more polls from this tab; the operation goes on on the server. */
  readonly cancel: () => void;
}

const verbs: Readonly<Record<WidgetAction, string>> = {
  create: "Create",
  update: "Update",
  delete: "Delete",
  restart: "Restart",
};

/**
 * The operations the user starts from the portal. Each is begun ON THE HUB (`LroService.track`),
 * so the drawer (`LroService.operations`) and a detail page (`LroService.watch`) share its one
 * poll loop. This service keeps each one followed across pages until it ends or the user cancels
 * it; `withPersistence` (app.config.ts) keeps its token, and after a reload `LroService.restore()`
 * resumes it.
 */
@Injectable({ providedIn: "root" })
export class PortalOperations {
  private readonly lro = inject(LroService);
  private readonly api = inject(ARM_API);
  private readonly injector = inject(Injector);
  private nextKey = 1;
  private readonly list = signal<readonly StartedOperation[]>([]);

  /** Every operation started in this tab, newest first. */
  readonly started = this.list.asReadonly();

  /** Starts `action` on `widget` and follows it. */
  start(action: WidgetAction, widget: string, knobs: DemoKnobs = {}, color?: string): StartedOperation {
    const label = `${verbs[action]} ${widget}`;
    const following = signal(true);
    const hubId = signal<string | undefined>(undefined);
    const states = this.lro.track(widgetRequest(this.api, action, widget, knobs, color), { label }).pipe(
      tap((state) => {
        if (hubId() === undefined) hubId.set(this.lro.hub.idOf(state));
      }),
    );
    // Cancel turns `following` off: lroState unsubscribes, and the hub stops polling (a detail
    // page that watched it stops too: it watches only what is followed here).
    const view = lroState(() => (following() ? states : undefined), { injector: this.injector });
    const operation: StartedOperation = {
      key: this.nextKey++,
      action,
      widget,
      label,
      view,
      hubId: hubId.asReadonly(),
      following: following.asReadonly(),
      cancel: () => following.set(false),
    };
    this.list.update((list) => [operation, ...list]);
    return operation;
  }

  /** The newest operation started here on a widget and still followed. */
  latestFor(widget: string): StartedOperation | undefined {
    return this.list().find((operation) => operation.widget === widget && operation.following());
  }
}
