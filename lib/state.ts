import type { PipelineResponse } from "@azure/core-rest-pipeline";

/**
 * Where an operation stands. `notStarted` and `running` are the only non-terminal values;
 * a stream that reaches `succeeded`, `failed` or `canceled` emits that state once and completes.
 */
export type LroStatus = "notStarted" | "running" | "succeeded" | "failed" | "canceled";

/** The statuses an operation never leaves. */
export type LroTerminalStatus = "succeeded" | "failed" | "canceled";

/** The polling algorithm that follows an operation, named after what it polls. */
export type LroStrategyName =
  | "azureAsyncOperation"
  | "operationLocation"
  | "location"
  | "bodyContent"
  | "statusCheck";

/**
 * How the final result of a finished operation is fetched, as Swagger's
 * `x-ms-long-running-operation-options.final-state-via` declares it.
 */
export type FinalStateVia = "azure-async-operation" | "location" | "original-uri" | "operation-location";

/** The error object an Azure service reports for a failed or canceled operation (ARM error shape). */
export interface LroErrorDetail {
  /** The service's error code (`"QuotaExceeded"`, `"Conflict"`, …): what code should branch on. A code the body gave as a number is its string; none: `"UnknownError"`. */
  readonly code: string;
  /** The service's message for people (`""` when the body had none). */
  readonly message: string;
  /** What the error is about: a property, a resource name, when the service says. */
  readonly target?: string;
  /** More specific errors, each of the same shape (for a deployment: one per failed resource). */
  readonly details?: readonly LroErrorDetail[];
  /** Service-specific data, as the service sent it; not part of the ARM contract. */
  readonly innererror?: unknown;
}

/** What every state carries, whatever its status. */
export interface LroStateBase {
  /** The service's own word for the status (`"Accepted"`, `"Updating"`, …), or the HTTP reason phrase when it gave none. */
  readonly providerStatus: string;
  /** Progress in percent (0–100) when the service reports it. */
  readonly percentComplete?: number;
  /** The algorithm polling this operation. */
  readonly strategy: LroStrategyName;
  /** The URL polled for status, if any. */
  readonly pollingUrl?: string;
  /** The URL of the final GET (`final-state-via` target), once the operation has succeeded and one was sent. */
  readonly resultUrl?: string;
  /** The delay the service asked for in its `Retry-After` (or `retry-after-ms`) header, clamped to `maxDelayInMs`. */
  readonly retryAfterInMs?: number;
  /** How long the stream waits before the next poll; absent on terminal states. */
  readonly nextPollInMs?: number;
  /** How many status polls this stream has sent so far (the initial request and the final GET do not count). */
  readonly pollCount: number;
  /**
   * The HTTP status of the response this state was read from. Absent only on a state restored
   * from a continuation token before any response: an operation that finished without polling
   * (and so was not asked again), or a hub's first state for a watched token until its first
   * poll answers.
   */
  readonly httpStatus?: number;
  /** A string that {@link resumeLro} accepts to follow the operation from here, in this or another process. */
  readonly continuationToken: string;
  /** The response this state was read from; absent when `httpStatus` is. */
  readonly rawResponse?: PipelineResponse;
}

/** An operation that has not finished. */
export interface LroRunningState extends LroStateBase {
  /** `running` once a response says so, or a watched token says so before its first poll answers; `notStarted` where nothing has started yet (an SDK poller not started). */
  readonly status: "notStarted" | "running";
  /** No result before the operation succeeds. */
  readonly result?: undefined;
  /** No error while it runs. */
  readonly error?: undefined;
}

/** An operation that succeeded; `result` is the final resource or body (after `processResult`). */
export interface LroSucceededState<TResult = unknown> extends LroStateBase {
  /** The operation succeeded: the last state of its stream. */
  readonly status: "succeeded";
  /** The final resource or body (after `processResult`); `undefined` for a DELETE or a 204. */
  readonly result: TResult;
  /** No error on success. */
  readonly error?: undefined;
}

/** An operation the service reports as failed; `error` is the service's error object when it sent one. */
export interface LroFailedState extends LroStateBase {
  /** The service reports the operation as failed: the last state of its stream. */
  readonly status: "failed";
  /** No result for a failed operation. */
  readonly result?: undefined;
  /** The service's error object, when it sent one. */
  readonly error?: LroErrorDetail;
}

/** An operation the service reports as canceled. */
export interface LroCanceledState extends LroStateBase {
  /** The service reports the operation as canceled: the last state of its stream. */
  readonly status: "canceled";
  /** No result for a canceled operation. */
  readonly result?: undefined;
  /** The service's error object, when it sent one. */
  readonly error?: LroErrorDetail;
}

/**
 * An immutable snapshot of a long-running operation, one per observed state.
 * Narrow it with `status`:
 *
 * ```ts
 * switch (state.status) {
 *   case "succeeded": return state.result;
 *   case "failed": return state.error?.message;
 *   default: return `${state.percentComplete ?? 0}%`;
 * }
 * ```
 */
export type LroState<TResult = unknown> =
  | LroRunningState
  | LroSucceededState<TResult>
  | LroFailedState
  | LroCanceledState;

/** A state whose operation has finished. */
export type LroTerminalState<TResult = unknown> = Extract<LroState<TResult>, { status: LroTerminalStatus }>;

/**
 * Whether a status is final: `succeeded`, `failed` or `canceled`.
 *
 * @example
 * ```ts
 * const finished = hub.states$.pipe(map((byId) => [...byId.values()].filter((state) => isTerminalStatus(state.status)).length));
 * ```
 */
export function isTerminalStatus(status: LroStatus): status is LroTerminalStatus {
  return status === "succeeded" || status === "failed" || status === "canceled";
}

/**
 * Whether a state is final: the last one its stream emits. Narrows it to
 * {@link LroTerminalState}.
 *
 * @example
 * ```ts
 * states$.pipe(filter(isTerminalState)).subscribe((state) => console.log(`${state.status} after ${state.pollCount} polls`));
 * ```
 */
export function isTerminalState<TResult>(state: LroState<TResult>): state is LroTerminalState<TResult> {
  return isTerminalStatus(state.status);
}

const statusByWord: ReadonlyMap<string, LroTerminalStatus> = new Map([
  ["succeeded", "succeeded"],
  ["completed", "succeeded"],
  ["failed", "failed"],
  ["canceled", "canceled"],
  ["cancelled", "canceled"],
]);

/**
 * Maps a service status word to an {@link LroStatus}: case-insensitive and exact, so `NotSucceeded`,
 * `Canceling` or any word a resource provider invents means the operation is still running.
 *
 * @example
 * ```ts
 * statusFromWord("Succeeded"); // "succeeded" ("Completed" too)
 * statusFromWord("CANCELLED"); // "canceled"
 * statusFromWord("NotSucceeded"); // "running": not a status word rx-lro knows as final
 * ```
 */
export function statusFromWord(word: string): LroStatus {
  return statusByWord.get(word.trim().toLowerCase()) ?? "running";
}
