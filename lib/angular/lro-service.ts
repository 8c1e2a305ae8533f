import { isPlatformServer } from "@angular/common";
import { computed, DestroyRef, inject, NgZone, PLATFORM_ID, type Signal, signal } from "@angular/core";
import {
  beginLro,
  type BeginLroOptions,
  createLroHub,
  isTerminalState,
  type LroHub,
  type LroOptions,
  type LroPollingOperator,
  type LroRequest,
  type LroState,
  type LroStatus,
  type LroSummary,
  type LroWatchTarget,
} from "rx-lro";
import { NEVER, type Observable, type Subscription, tap } from "rxjs";
import { LroPersistence } from "./persistence.js";
import { RX_LRO_CONFIG, RX_LRO_PERSISTENCE, RX_LRO_TRANSPORT } from "./tokens.js";
import { inAngularZone } from "./zone.js";

/** An operation on the service's hub, as the `operations` signal lists it. */
export interface LroOperationEntry<T = unknown> {
  /** The operation's key on the hub (`hub.idOf`): the same for its token and every state. */
  readonly id: string;
  /** The label given to `track` (or persisted with it). */
  readonly label?: string;
  /** Its latest state. */
  readonly state: LroState<T>;
}

/** A persisted token `restore()` refused (malformed, or naming a host the app does not allow): dropped, never sent. */
export interface LroDroppedToken {
  /** The token as storage held it. */
  readonly token: string;
  /** The label persisted with it. */
  readonly label?: string;
  /** Why it was refused: an `LroUrlRejectedError` (host not allowed) or a `TypeError` (malformed). */
  readonly error: Error;
}

/** What {@link LroService.restore} did. */
export interface LroRestoreReport {
  /** Operations followed again. */
  readonly resumed: number;
  /** Tokens refused and removed from storage. */
  readonly dropped: readonly LroDroppedToken[];
}

/** Options of {@link LroService.track}. */
export interface LroTrackOptions<T = unknown> {
  /** What the operation is, for a notifications drawer (kept with a persisted token). */
  readonly label?: string;
  /** Reads the initial response. @defaultValue `armPolling()` */
  readonly polling?: LroPollingOperator<T>;
}

/**
 * rx-lro in an Angular app: begins, resumes and watches long-running operations with the
 * transport, defaults and hosts {@link provideRxLro} configured, through one root hub (one poll
 * loop per operation, however many components show it). Every stream it returns is cold, runs
 * its timers and requests outside the Angular zone and re-enters it once per state; on the
 * server it sends nothing and never emits. Provided by `provideRxLro()`.
 *
 * @example
 * ```ts
 * import { signal } from "@angular/core";
 * import type { LroRequest } from "rx-lro";
 * import { LroService, lroState } from "rx-lro/angular";
 *
 * export class CreateWidget {
 *   readonly #lro = inject(LroService);
 *   readonly create = signal<LroRequest | undefined>(undefined);
 *   readonly view = lroState(() => {
 *     const request = this.create();
 *     return request && this.#lro.track<{ id: string }>(request, { label: "Create widget" });
 *   });
 * }
 * ```
 */
export class LroService {
  /** The root hub: every operation tracked, resumed or watched here. */
  readonly hub: LroHub;
  /**
   * Every operation on the hub, latest state each, in the order they appeared (for a
   * notifications drawer). Updated once per batch of changes across all operations; once it has
   * been read, each update enters the Angular zone once.
   */
  readonly operations: Signal<readonly LroOperationEntry[]>;
  /** How many of {@link LroService.operations} are in each status. */
  readonly summary: Signal<LroSummary>;

  readonly #zone = inject(NgZone);
  readonly #server = isPlatformServer(inject(PLATFORM_ID));
  readonly #options: LroOptions;
  readonly #labels = new Map<string, string>();
  readonly #persistence: LroPersistence | undefined;
  readonly #restored = new Set<Subscription>();
  readonly #restoredIds = new Set<string>();

  constructor() {
    const config = inject(RX_LRO_CONFIG);
    const transport = inject(RX_LRO_TRANSPORT);
    this.#options = {
      ...config.defaults,
      pipeline: transport.pipeline,
      ...(transport.httpClient === undefined ? {} : { httpClient: transport.httpClient }),
      ...(config.scheduler === undefined ? {} : { scheduler: config.scheduler }),
      ...(config.allowedHosts === undefined ? {} : { allowedHosts: config.allowedHosts }),
    };
    this.hub = createLroHub({ ...this.#options, ...config.hub });
    const operations = signal<readonly LroOperationEntry[]>([]);
    // Read at least once (by a drawer, say): only then do its updates enter the Angular zone.
    let observed = false;
    this.operations = computed(() => {
      observed = true;
      return operations();
    });
    this.summary = computed(() => {
      const counts: Record<LroStatus, number> = { notStarted: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 };
      const entries = this.operations();
      for (const { state } of entries) counts[state.status]++;
      return Object.freeze({ ...counts, total: entries.length });
    });
    const persistence = inject(RX_LRO_PERSISTENCE, { optional: true });
    if (this.#server) return;
    this.#persistence = persistence === null ? undefined : new LroPersistence(persistence, this.hub);
    for (const { id, label } of this.#persistence?.entries() ?? []) if (label !== undefined) this.#labels.set(id, label);
    const subscription = this.#zone.runOutsideAngular(() =>
      this.hub.states$.subscribe((states) => {
        this.#persistence?.record(states, this.#labels);
        const entries = [...states].map(([id, state]): LroOperationEntry => {
          const label = this.#labels.get(id);
          return label === undefined ? { id, state } : { id, label, state };
        });
        if (observed) this.#zone.run(() => operations.set(entries));
        else operations.set(entries);
      }),
    );
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      for (const restored of this.#restored) restored.unsubscribe();
    });
  }

  /**
   * Begins an operation in a loop of its own, like `beginLro` with the app's transport and
   * defaults (`options` override them): cold, each subscription sends the initial request.
   * Use {@link LroService.track} to share it through the hub.
   *
   * @example
   * ```ts
   * this.#lro.begin<Widget>({ url: `${api}/widgets/${name}`, method: "PUT", json: { color } }).subscribe((state) => console.log(state.status));
   * ```
   */
  begin<T = unknown>(request: LroRequest, options: BeginLroOptions<T> = {}): Observable<LroState<T>> {
    const states$ = beginLro<T>(request, { ...(this.#options as LroOptions<T>), ...options });
    return this.#server ? NEVER : inAngularZone(this.#zone, states$);
  }

  /**
   * Begins an operation on the hub: each subscription sends the initial request, and from its
   * first response on the operation is one shared hub loop, listed in `operations` (with
   * `label`) and persisted while it runs when persistence is on. A drawer and a detail page
   * showing it share one loop; unsubscribing stops polling once nobody watches (the operation
   * goes on on the service).
   *
   * @example
   * ```ts
   * this.#lro.track({ url, method: "DELETE" }, { label: `Delete ${name}` }).subscribe();
   * ```
   */
  track<T = unknown>(request: LroRequest, options: LroTrackOptions<T> = {}): Observable<LroState<T>> {
    const { label, polling } = options;
    if (label !== undefined && typeof label !== "string") throw new TypeError(`Expected \`label\` to be a string, got ${typeof label}`);
    let labelled = label === undefined;
    const states$ = (this.hub as LroHub<T>).begin(request, polling === undefined ? {} : { polling }).pipe(
      tap((state) => {
        if (labelled) return;
        labelled = true;
        this.#labels.set(this.hub.idOf(state), label as string);
      }),
    );
    return this.#server ? NEVER : inAngularZone(this.#zone, states$);
  }

  /**
   * Follows an operation from a continuation token through the hub (the token is checked at
   * once: a malformed one throws a `TypeError`; a host the app does not allow errors the stream
   * with `LroUrlRejectedError` before anything is sent).
   *
   * @example
   * ```ts
   * const token = this.route.snapshot.queryParamMap.get("operation");
   * readonly view = lroState(() => (token === null ? undefined : this.#lro.resume(token)));
   * ```
   */
  resume<T = unknown>(token: string): Observable<LroState<T>> {
    if (typeof token !== "string") throw new TypeError(`Expected \`token\` to be a continuation token (a string), got ${token === null ? "null" : typeof token}`);
    return this.watch<T>(token);
  }

  /**
   * Watches an operation through the hub by its token, one of its states, or its polling URL:
   * shared with every other watcher of it.
   *
   * @example
   * ```ts
   * readonly view = lroState(() => this.#lro.watch(this.entry().state));
   * ```
   */
  watch<T = unknown>(target: LroWatchTarget): Observable<LroState<T>> {
    const states$ = (this.hub as LroHub<T>).watch(target);
    return this.#server ? NEVER : inAngularZone(this.#zone, states$);
  }

  /**
   * Follows every operation `withPersistence` kept (in the browser; on the server it does
   * nothing). The service polls them itself until they finish or the app is destroyed, so the
   * `operations` signal shows them progressing. A token that is malformed or names a host the
   * app does not allow is removed from storage and reported in `dropped`, and nothing is sent
   * for it. Call it once, after hydration (`afterNextRender`).
   *
   * @example
   * ```ts
   * afterNextRender(() => {
   *   const { dropped } = inject(LroService).restore();
   *   for (const { label, error } of dropped) console.warn(`Not resumed: ${label}`, error.message);
   * });
   * ```
   */
  restore(): LroRestoreReport {
    const persistence = this.#persistence;
    if (this.#server || persistence === undefined) return { resumed: 0, dropped: [] };
    const dropped: LroDroppedToken[] = [];
    let resumed = 0;
    for (const entry of persistence.entries()) {
      // A second call follows only what the first did not.
      if (this.#restoredIds.has(entry.id)) continue;
      this.#restoredIds.add(entry.id);
      let subscribing = true;
      let subscription: Subscription | undefined;
      const drop = (error: unknown) => {
        persistence.drop(entry.id);
        if (subscription !== undefined) this.#restored.delete(subscription);
        try {
          this.hub.forget(entry.token);
        } catch {
          // A malformed token was never on the hub.
        }
        if (!subscribing) return;
        const failure = error instanceof Error ? error : new Error(String(error));
        dropped.push(entry.label === undefined ? { token: entry.token, error: failure } : { token: entry.token, label: entry.label, error: failure });
      };
      try {
        subscription = this.resume(entry.token).subscribe({ error: drop, complete: () => this.#restored.delete(subscription!) });
        if (!subscription.closed) {
          this.#restored.add(subscription);
          resumed++;
        }
      } catch (error) {
        drop(error);
      }
      subscribing = false;
    }
    return { resumed, dropped };
  }
}

