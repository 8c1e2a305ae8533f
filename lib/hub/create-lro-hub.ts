import {
  auditTime,
  defer,
  map,
  type Observable,
  of,
  ReplaySubject,
  share,
  shareReplay,
  startWith,
  Subject,
  switchMap,
  take,
  tap,
} from "rxjs";
import { beginLro, type LroRequest } from "../begin-lro.js";
import type { LroPollingOperator } from "../engine/polling-operator.js";
import { followTrackedOperation } from "../engine/follow-operation.js";
import { restoredState } from "../engine/make-state.js";
import { checkResumedOperation } from "../http/url-policy.js";
import { resolveOptions, type LroOptions } from "../options.js";
import { isTerminalState, type LroState, type LroStatus } from "../state.js";
import { strategiesByName } from "../strategies/registry.js";
import { pageHidden$ } from "./page-visibility.js";
import { RequestGate } from "./request-gate.js";
import { resolveTarget, type LroWatchTarget } from "./watch-target.js";

/** Options of {@link createLroHub}: the common options, plus how the hub shares its polls. */
export interface LroHubOptions<TResult = unknown> extends LroOptions<TResult> {
  /** Requests in flight across every watched operation; the rest wait their turn, in order. @defaultValue 6 */
  readonly maxConcurrentPolls?: number;
  /** Hold polls while the page is hidden and send them the moment it is visible again. @defaultValue true */
  readonly pauseWhenHidden?: boolean;
  /**
   * Whether polling should be paused, when the document's visibility is not the right signal
   * (an app-state source, a test). @defaultValue the page's `visibilitychange`, in a browser
   */
  readonly paused$?: Observable<boolean>;
}

/** Options of {@link LroHub.begin}. */
export interface LroHubBeginOptions<TResult = unknown> {
  /** Reads the initial response (see {@link beginLro}); the hub's options are its defaults. @defaultValue `armPolling()` */
  readonly polling?: LroPollingOperator<TResult>;
}

/** How many watched operations are in each status. */
export type LroSummary = Readonly<Record<LroStatus, number>> & { readonly total: number };

/** Many operations, one poll loop each, under one request budget. See {@link createLroHub}. */
export interface LroHub<TResult = unknown> {
  /**
   * The states of an operation, shared: any number of subscribers, one poll loop and one request
   * at a time. The loop starts with the first subscriber and stops (aborting its request) when
   * the last one leaves; a late subscriber gets the latest state at once, and a finished
   * operation replays its terminal state without polling again.
   *
   * Every target is untrusted input, checked at the call as `resumeLro` checks a token: a
   * malformed one throws a `TypeError`; one naming a host that is neither a built-in Azure
   * cloud host (over https) nor in `allowedHosts` throws an `LroUrlRejectedError`.
   */
  watch(target: LroWatchTarget): Observable<LroState<TResult>>;
  /**
   * Starts an operation on the hub: each subscription sends the initial request (through the
   * hub's pipeline, not retried), and from its first response on the operation is the hub's,
   * exactly as if it were watched: one shared poll loop under the request budget, listed in
   * `states$`, and joined by any `watch` of one of its states or its token. Unsubscribing leaves
   * the loop like any watcher (it stops when the last one leaves), never the operation on the
   * service. The operation's own URLs are trusted as the hub's: its token is not outside input.
   *
   * @param request The initial request, as {@link beginLro} takes it.
   * @param options `polling`: the operator that reads the initial response. @defaultValue ARM polling
   */
  begin(request: LroRequest, options?: LroHubBeginOptions<TResult>): Observable<LroState<TResult>>;
  /** The key of an operation in {@link LroHub.states$}: the same for its token, any of its states, or its polling target. */
  idOf(target: LroWatchTarget): string;
  /** The latest state of every operation watched so far, by id, on any change (batched). */
  readonly states$: Observable<ReadonlyMap<string, LroState<TResult>>>;
  /** Counts by status of {@link LroHub.states$}. */
  readonly summary$: Observable<LroSummary>;
  /** Drops an operation from `states$`; while someone still watches it, its next state brings it back. */
  forget(target: LroWatchTarget): void;
  /** Requests in flight now, and waiting for a place. */
  readonly load: { readonly inFlight: number; readonly queued: number };
}

interface Entry<TResult> {
  states$: Observable<LroState<TResult>>;
  /** Begun by this hub (`begin`): its URLs are the app's own, not outside input. */
  readonly originTrusted: boolean;
  latest: LroState<TResult> | undefined;
  latestAt: number;
}

function checkMaxConcurrentPolls(value: unknown): number {
  if (value === undefined) return 6;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  throw new TypeError(`Expected \`maxConcurrentPolls\` to be a positive integer, got ${String(value)} (${typeof value})`);
}

/**
 * Creates a hub that watches many long-running operations politely: one shared poll loop per
 * operation however many components watch it, at most `maxConcurrentPolls` requests in flight
 * across all of them (queued fairly, never before an operation's Retry-After), polling paused
 * while the page is hidden, and a jittered fallback interval so that operations started
 * together do not poll in lockstep. `states$` and `summary$` feed a dashboard without N
 * subscriptions.
 *
 * @example
 * ```ts
 * const hub = createLroHub({ pipeline, maxConcurrentPolls: 4 });
 * const deployment$ = hub.watch(state.continuationToken); // in as many components as you like
 * hub.summary$.subscribe(({ running, succeeded, failed }) => header.render(running, succeeded, failed));
 *
 * // Begun on the hub: a drawer watching `states$` and a detail page share its one loop.
 * hub.begin({ url: resourceUrl, method: "PUT", json: widget }).subscribe(render);
 * ```
 */
export function createLroHub<TResult = unknown>(options: LroHubOptions<TResult> = {}): LroHub<TResult> {
  const { maxConcurrentPolls, pauseWhenHidden = true, paused$, ...common } = options;
  const gate = new RequestGate(checkMaxConcurrentPolls(maxConcurrentPolls), paused$ ?? (pauseWhenHidden ? pageHidden$() : undefined));
  const resolved = resolveOptions<TResult>({ intervalJitter: 0.2, ...common });
  const gated = { ...resolved, gate };
  const entries = new Map<string, Entry<TResult>>();
  const latestById = new Map<string, LroState<TResult>>();
  const changed = new Subject<void>();

  function createEntry(target: ReturnType<typeof resolveTarget>, originTrusted: boolean): Entry<TResult> {
    const entry: Entry<TResult> = {
      originTrusted,
      latest: target.known as LroState<TResult> | undefined,
      latestAt: resolved.scheduler.now(),
      states$: undefined as unknown as Observable<LroState<TResult>>,
    };
    const loop$ = defer(() => {
      const { latest } = entry;
      // Until the first poll answers, what the token knows: running, or how it ended.
      const shown = latest ?? restoredState(target.operation, gated);
      if (isTerminalState(shown)) return of(shown);
      const operation = latest === undefined ? target.operation : resolveTarget(latest).operation;
      // Never poll sooner than the last response asked, even across a restart of the loop.
      const due = latest?.nextPollInMs === undefined ? 0 : entry.latestAt + latest.nextPollInMs - resolved.scheduler.now();
      return followTrackedOperation(strategiesByName[operation.strategy], operation, gated, Math.max(0, due), originTrusted).pipe(startWith(shown));
    });
    entry.states$ = loop$.pipe(
      tap((state) => {
        if (state !== entry.latest) entry.latestAt = resolved.scheduler.now();
        entry.latest = state;
        record(target.id, state);
      }),
      share({ connector: () => new ReplaySubject(1), resetOnError: true, resetOnComplete: false, resetOnRefCountZero: true }),
    );
    return entry;
  }

  // A snapshot per batch of changes, copied only while someone listens.
  const states$ = changed.pipe(
    startWith(undefined),
    auditTime(0, resolved.scheduler),
    map(() => new Map(latestById) as ReadonlyMap<string, LroState<TResult>>),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  // Kept as states come and go, so that a summary costs the same with ten operations or ten thousand.
  const counts: Record<LroStatus, number> = { notStarted: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 };
  const summary$ = changed.pipe(
    startWith(undefined),
    auditTime(0, resolved.scheduler),
    map((): LroSummary => Object.freeze({ ...counts, total: latestById.size })),
    shareReplay({ bufferSize: 1, refCount: true }),
  );
  const record = (id: string, state: LroState<TResult> | undefined) => {
    const previous = latestById.get(id);
    if (previous !== undefined) counts[previous.status]--;
    if (state === undefined) latestById.delete(id);
    else {
      counts[state.status]++;
      latestById.set(id, state);
    }
    changed.next();
  };

  const entryOf = (target: ReturnType<typeof resolveTarget>, originTrusted: boolean): Entry<TResult> => {
    let entry = entries.get(target.id);
    if (entry === undefined) {
      entry = createEntry(target, originTrusted);
      entries.set(target.id, entry);
    }
    return entry;
  };

  return {
    watch(target) {
      const resolvedTarget = resolveTarget(target);
      // Whatever its route (a token, a stored state, a polling URL), it is untrusted: checked before
      // anything is sent. Only an operation this hub began itself is known already, whatever the route.
      if (entries.get(resolvedTarget.id)?.originTrusted !== true) checkResumedOperation(resolvedTarget.operation, resolved.allowedHosts);
      return entryOf(resolveTarget(target), false).states$;
    },
    begin(request, beginOptions = {}) {
      // Only the first state is read from beginLro: the hub's loop, under its gate, polls from there.
      const polling = beginOptions.polling;
      return beginLro<TResult>(request, { intervalJitter: 0.2, ...common, ...(polling === undefined ? {} : { polling }) }).pipe(
        take(1),
        switchMap((first) => {
          const target = resolveTarget(first);
          const entry = entryOf(target, true);
          if (entry.latest === undefined) {
            entry.latest = first;
            entry.latestAt = resolved.scheduler.now();
          }
          return entry.states$;
        }),
      );
    },
    idOf(target) {
      return resolveTarget(target).id;
    },
    states$,
    summary$,
    forget(target) {
      const { id } = resolveTarget(target);
      entries.delete(id);
      if (latestById.has(id)) record(id, undefined);
    },
    get load() {
      return { inFlight: gate.inFlight, queued: gate.queued };
    },
  };
}
