import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { encodeContinuationToken } from "../continuation-token.js";
import { parseRetryAfter } from "../http/retry-after.js";
import { clampDelay, fallbackInterval, type ResolvedLroOptions } from "../options.js";
import { isTerminalStatus, type LroErrorDetail, type LroState, type LroStateBase } from "../state.js";
import type { Reading } from "../strategies/reading.js";
import type { TrackedOperation } from "../tracked-operation.js";

/**
 * What a subscription that polls carries from state to state: its streak of polls due at once,
 * and the continuation token of the operation object it last encoded (the loop keeps the same
 * object from poll to poll while nothing in it changes, so the token is encoded once per change,
 * not per state; kept here rather than in a WeakMap keyed by the operation, whose entries are
 * ephemerons the garbage collector traces apart).
 */
export interface PollingContext {
  /** How many states in a row have had the next poll due at once (Retry-After: 0, or an interval of 0). */
  immediateStreak: number;
  token: string;
  tokenOf: TrackedOperation | undefined;
}

function continuationTokenOf(operation: TrackedOperation, context: PollingContext | undefined): string {
  if (context === undefined) return encodeContinuationToken(operation);
  if (context.tokenOf !== operation) {
    context.token = encodeContinuationToken(operation);
    context.tokenOf = operation;
  }
  return context.token;
}

/** No two polls of an operation come back to back twice in a row: the floor of their spacing. */
const minimumSpacingInMs = 10;

/**
 * The delay before the next poll: the Retry-After asked for, else the interval. "Poll now"
 * (Retry-After: 0, or `intervalInMs: 0`) is honoured once; when state after state is due at once,
 * the polls are spaced out (10 ms, 20 ms, … up to the interval, and never under 10 ms), so that
 * neither a service nor an option can make the client spin.
 */
function nextPollDelay(context: PollingContext, retryAfterInMs: number | undefined, options: ResolvedLroOptions<unknown>): number {
  const due = retryAfterInMs ?? fallbackInterval(options);
  if (due !== 0) {
    context.immediateStreak = 0;
    return due;
  }
  const streak = ++context.immediateStreak;
  if (streak < 2) return 0;
  return Math.min(Math.max(options.intervalInMs, minimumSpacingInMs), minimumSpacingInMs * 2 ** (streak - 2));
}

/** What a state is read from, besides the operation and the reading. */
export interface Observation {
  readonly response?: PipelineResponse;
  readonly pollCount: number;
  readonly resultUrl?: string;
}

type StateUnderConstruction = { -readonly [K in keyof LroStateBase]: LroStateBase[K] } & {
  status: LroState["status"];
  result?: unknown;
  error?: LroErrorDetail;
};

/**
 * The state read from one response (or none). With a polling `context`, a running state's next
 * delay is counted on its streak of immediate polls (see {@link nextPollDelay}), which it
 * advances: make each polled state once; and the token is the context's.
 */
export function makeState<TResult>(
  operation: TrackedOperation,
  reading: Reading,
  observation: Observation,
  options: ResolvedLroOptions<TResult>,
  context?: PollingContext,
): LroState<TResult> {
  const { response, pollCount, resultUrl } = observation;
  const retryAfter = response === undefined ? undefined : parseRetryAfter(response.headers, options.scheduler.now());
  const retryAfterInMs = retryAfter === undefined ? undefined : clampDelay(retryAfter, options.maxDelayInMs);
  // Built by assignment, not with (conditional) spreads: this runs once per poll, and V8 builds
  // spread literals an order of magnitude slower.
  const state: StateUnderConstruction = {
    status: reading.status,
    providerStatus: reading.providerStatus,
    strategy: operation.strategy,
    pollCount,
    continuationToken: continuationTokenOf(operation, context),
  };
  if (reading.percentComplete !== undefined) state.percentComplete = reading.percentComplete;
  if (operation.pollingUrl !== undefined) state.pollingUrl = operation.pollingUrl;
  if (resultUrl !== undefined) state.resultUrl = resultUrl;
  if (retryAfterInMs !== undefined) state.retryAfterInMs = retryAfterInMs;
  if (!isTerminalStatus(reading.status)) {
    state.nextPollInMs = context === undefined ? (retryAfterInMs ?? fallbackInterval(options)) : nextPollDelay(context, retryAfterInMs, options);
  }
  if (response !== undefined) {
    state.httpStatus = response.status;
    state.rawResponse = response;
  }
  if (reading.status === "succeeded") {
    state.result = options.processResult ? options.processResult(reading.body, state) : reading.body;
  } else if ((reading.status === "failed" || reading.status === "canceled") && reading.error !== undefined) {
    state.error = reading.error;
  }
  return Object.freeze(state) as LroState<TResult>;
}

/**
 * The state of an operation known only by its token, before any response: what the token knows.
 * An operation that finished without polling is in its terminal state; any other is running
 * (it had started, or there would be no token), `providerStatus` "Running", its first poll due
 * at once. What a watcher shows until the first poll answers.
 */
export function restoredState<TResult>(operation: TrackedOperation, options: ResolvedLroOptions<TResult>): LroState<TResult> {
  const { finishedAs } = operation;
  const reading: Reading = { status: finishedAs ?? "running", providerStatus: finishedAs ?? "Running", body: undefined };
  const state = makeState(operation, reading, { pollCount: 0 }, options);
  return finishedAs === undefined ? Object.freeze({ ...state, nextPollInMs: 0 }) : state;
}
