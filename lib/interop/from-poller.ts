import { Observable, ReplaySubject, share } from "rxjs";
import { encodeContinuationToken } from "../continuation-token.js";
import { isJsonObject } from "../http/body.js";
import { isTerminalStatus, type LroErrorDetail, type LroState, type LroStatus, type LroStrategyName } from "../state.js";
import { operationFromCoreLroState } from "./core-lro-state.js";

type CancelOnProgress = () => void;
type AbortSignalOption = { abortSignal?: AbortSignal };

/** The legacy `PollerLike` state of `@azure/core-lro` v1/v2 (`isStarted`, `isCompleted`, …). */
interface LegacyOperationState<TResult> {
  isStarted?: boolean;
  isCompleted?: boolean;
  isCancelled?: boolean;
  error?: Error;
  result?: TResult;
}

/** The `status`-based state of `createHttpPoller` pollers (core-lro v2 `SimplePollerLike`, v3 `PollerLike`). */
interface StatusOperationState<TResult> {
  status: LroStatus;
  error?: Error;
  result?: TResult;
  config?: unknown;
}

/**
 * Any Azure SDK poller: `@azure/core-lro` v3 `PollerLike` (what `createHttpPoller` and newer
 * generated clients return), v2 `SimplePollerLike` (`@azure/arm-*` `begin…` methods) and the
 * legacy v2 `PollerLike`. Only what the bridge uses is required.
 */
export interface SdkPollerLike<TResult, TState = unknown> {
  /** Calls `callback` with the poller's state after each poll; returns what stops the calls. */
  onProgress(callback: (state: TState) => void): CancelOnProgress;
  /** Polls until the operation ends and resolves with its result; the signal stops the SDK's polling. */
  pollUntilDone(options?: AbortSignalOption): PromiseLike<TResult>;
  /** v3 */
  readonly operationState?: unknown;
  /** v2 */
  getOperationState?(): unknown;
  /** v3: resolves once the initial request has been answered. */
  submitted?(): PromiseLike<void>;
  /** v2: stops the SDK's loop. */
  stopPolling?(): void;
  /** v2: the SDK's own serialisation. */
  toString(): string;
}

/** A state of a bridged SDK poller: no raw response, the SDK's algorithm. */
export type LroBridgedState<TResult> = LroState<TResult> & { readonly bridgedFrom: "sdkPoller" };

function statusOf(state: StatusOperationState<unknown> | LegacyOperationState<unknown>): LroStatus {
  if ("status" in state && typeof state.status === "string") return state.status;
  const legacy = state as LegacyOperationState<unknown>;
  if (legacy.isCancelled) return "canceled";
  if (legacy.isCompleted) return legacy.error === undefined ? "succeeded" : "failed";
  return legacy.isStarted ? "running" : "notStarted";
}

function errorDetailOf(error: Error | undefined): LroErrorDetail | undefined {
  if (error === undefined) return undefined;
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === "string" ? code : error.name, message: error.message };
}

function currentState(poller: Pick<SdkPollerLike<unknown>, "operationState" | "getOperationState">): unknown {
  return poller.operationState ?? poller.getOperationState?.();
}

/**
 * Bridges an Azure SDK poller to an observable of states: it emits the poller's state when you
 * subscribe and on every progress update, and completes after the terminal state (a failed or
 * canceled operation is a state, as everywhere in rx-lro; other errors are passed on as the SDK
 * raised them). Unsubscribing aborts the SDK's polling, never the operation. The stream is
 * shared: the poller has one loop, so every subscriber sees the same states.
 *
 * Each state's `continuationToken` resumes the operation with {@link resumeLro} when the poller
 * records its configuration (`createHttpPoller` pollers, v2 and v3); a legacy `PollerLike`'s is
 * its own `toString()`, for its SDK. Note that a core-lro v3 poller cannot `pollUntilDone` again
 * once aborted: after unsubscribing, follow the operation with `resumeLro`.
 *
 * @example
 * ```ts
 * const poller = await computeClient.virtualMachines.beginStart(rg, vm);
 * fromPoller(poller).subscribe((state) => console.log(state.status));
 * ```
 */
export function fromPoller<TResult, TState>(poller: SdkPollerLike<TResult, TState>): Observable<LroBridgedState<TResult>> {
  const toLroState = (raw: unknown, result?: TResult): LroBridgedState<TResult> => {
    const state = (isJsonObject(raw) ? raw : { status: "notStarted" }) as StatusOperationState<TResult> | LegacyOperationState<TResult>;
    const status = statusOf(state);
    let strategy: LroStrategyName = "statusCheck";
    let continuationToken = poller.toString();
    if ("config" in state && state.config !== undefined) {
      const operation = operationFromCoreLroState(state);
      strategy = operation.strategy;
      continuationToken = encodeContinuationToken(operation);
    }
    const base = { providerStatus: status, strategy, pollCount: 0, continuationToken, bridgedFrom: "sdkPoller" as const };
    switch (status) {
      case "succeeded":
        return Object.freeze({ ...base, status, result: (result ?? state.result) as TResult });
      case "failed":
      case "canceled": {
        const error = errorDetailOf(state.error);
        return Object.freeze({ ...base, status, ...(error === undefined ? {} : { error }) });
      }
      default:
        return Object.freeze({ ...base, status });
    }
  };

  return new Observable<LroBridgedState<TResult>>((subscriber) => {
    const controller = new AbortController();
    let last: LroBridgedState<TResult> | undefined;
    const emit = (state: LroBridgedState<TResult>) => {
      if (subscriber.closed) return;
      last = state;
      subscriber.next(state);
      if (isTerminalStatus(state.status)) subscriber.complete();
    };
    const stopProgress = poller.onProgress((raw) => emit(toLroState(raw)));
    const initial = currentState(poller);
    if (initial !== undefined) emit(toLroState(initial));
    Promise.resolve(poller.submitted?.())
      .then(() => {
        if (last === undefined && currentState(poller) !== undefined) emit(toLroState(currentState(poller)));
        return poller.pollUntilDone({ abortSignal: controller.signal });
      })
      .then(
        (result) => emit(toLroState(currentState(poller) ?? { status: "succeeded" }, result)),
        (error: unknown) => {
          if (controller.signal.aborted || subscriber.closed) return;
          const state = toLroState(currentState(poller));
          if (state.status === "failed" || state.status === "canceled") emit(state);
          else subscriber.error(error);
        },
      );
    return () => {
      stopProgress();
      if (last === undefined || !isTerminalStatus(last.status)) {
        controller.abort();
        poller.stopPolling?.();
      }
    };
  }).pipe(share({ connector: () => new ReplaySubject(1), resetOnComplete: false, resetOnError: true, resetOnRefCountZero: true }));
}
