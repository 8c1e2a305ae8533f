import { createHttpHeaders, type PipelineResponse } from "@azure/core-rest-pipeline";
import { defer, EMPTY, expand, map, Observable, of, skip, switchMap, takeWhile, timer } from "rxjs";
import { continuationTokenOf } from "../continuation-token.js";
import { attachState } from "../errors/lro-error.js";
import { LroBadStatusError } from "../errors/lro-bad-status-error.js";
import { readBody } from "../http/body.js";
import { headerLink } from "../http/headers.js";
import { parseRetryAfter } from "../http/retry-after.js";
import { sendWithRetries } from "../http/send-with-retries.js";
import type { Cancel, RequestOptions } from "../http/send.js";
import { checkResumedOrigin, followUrl, redactUrl } from "../http/url-policy.js";
import { logger } from "../logger.js";
import { clampDelay, fallbackInterval, type ResolvedLroOptions } from "../options.js";
import { isTerminalStatus, type LroErrorDetail, type LroState, type LroStateBase } from "../state.js";
import { bodyOrNothing, serviceErrorOf, type Reading } from "../strategies/reading.js";
import type { PollingStrategy } from "../strategies/strategy.js";
import type { TrackedOperation } from "./tracked-operation.js";

/** One observed state, with what the loop needs to go on from it. */
interface Step<TResult> {
  readonly operation: TrackedOperation;
  readonly state: LroState<TResult>;
  /** How many states in a row have had the next poll due at once (Retry-After: 0, or an interval of 0). */
  readonly immediateStreak?: number;
}

/** No two polls of an operation come back to back twice in a row: the floor of their spacing. */
const minimumSpacingInMs = 10;

/**
 * Honours "poll now" (Retry-After: 0, or `intervalInMs: 0`) once; when state after state is due
 * at once, spaces the polls out (10 ms, 20 ms, … up to the interval, and never under 10 ms), so
 * that neither a service nor an option can make the client spin.
 */
function spaceImmediatePolls<TResult>(step: Step<TResult>, previousStreak: number, intervalInMs: number): Step<TResult> {
  const { operation, state } = step;
  if (state.nextPollInMs !== 0) return { operation, state, immediateStreak: 0 };
  const immediateStreak = previousStreak + 1;
  if (immediateStreak < 2) return { operation, state, immediateStreak };
  const spacing = Math.min(Math.max(intervalInMs, minimumSpacingInMs), minimumSpacingInMs * 2 ** (immediateStreak - 2));
  return { operation, state: Object.freeze(Object.assign({}, state, { nextPollInMs: spacing })), immediateStreak };
}

/** What a state is read from, besides the operation and the reading. */
interface Observation {
  readonly response?: PipelineResponse;
  readonly pollCount: number;
  readonly resultUrl?: string;
}

const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300;

function urlPolicy(operation: TrackedOperation, options: ResolvedLroOptions<unknown>) {
  return { origin: operation.requestUrl, allowedHosts: options.allowedHosts };
}

type StateUnderConstruction = { -readonly [K in keyof LroStateBase]: LroStateBase[K] } & {
  status: LroState["status"];
  result?: unknown;
  error?: LroErrorDetail;
};

function makeState<TResult>(
  operation: TrackedOperation,
  reading: Reading,
  observation: Observation,
  options: ResolvedLroOptions<TResult>,
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
    continuationToken: continuationTokenOf(operation),
  };
  if (reading.percentComplete !== undefined) state.percentComplete = reading.percentComplete;
  if (operation.pollingUrl !== undefined) state.pollingUrl = operation.pollingUrl;
  if (resultUrl !== undefined) state.resultUrl = resultUrl;
  if (retryAfterInMs !== undefined) state.retryAfterInMs = retryAfterInMs;
  if (!isTerminalStatus(reading.status)) state.nextPollInMs = retryAfterInMs ?? fallbackInterval(options);
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

function pollRequest(operation: TrackedOperation, url: string): RequestOptions {
  const headers = createHttpHeaders({ accept: "application/json" });
  if (operation.clientRequestId !== undefined) headers.set("x-ms-client-request-id", operation.clientRequestId);
  return { url, method: "GET", headers, allowInsecureConnection: operation.allowInsecureConnection };
}

function logState(state: LroState<unknown>, method: string): void {
  if (!logger.info.enabled) return;
  const where = state.pollingUrl === undefined ? "" : ` ${redactUrl(state.pollingUrl)}`;
  const next = state.nextPollInMs === undefined ? "" : `; next poll in ${state.nextPollInMs} ms`;
  logger.info(
    `${method} ${state.strategy}${where}: HTTP ${state.httpStatus ?? "-"} ${state.providerStatus} → ${state.status}${next}`,
  );
}

/**
 * Follows an operation from one step to its end: waits for the step's delay (the response's
 * Retry-After, else the interval), polls, reads the response with the strategy, and on success
 * fetches the final result; one state per poll, the terminal one included, then completes.
 */
function followFrom<TResult>(
  first: Observable<Step<TResult>>,
  strategy: PollingStrategy,
  options: ResolvedLroOptions<TResult>,
): Observable<LroState<TResult>> {
  /** The terminal step of an operation whose poll said it succeeded: its result, fetched if it must be. */
  const fetchResult = (
    operation: TrackedOperation,
    reading: Reading,
    response: PipelineResponse,
    pollCount: number,
    done: (step: Step<TResult>) => void,
    fail: (error: unknown) => void,
  ): Cancel | undefined => {
    const source = strategy.finalResult(operation, reading);
    if (source.from !== "get") {
      const body = source.from === "body" ? reading.body : undefined;
      done({ operation, state: makeState(operation, { ...reading, body }, { response, pollCount }, options) });
      return undefined;
    }
    const resultUrl = followUrl(source.url, urlPolicy(operation, options));
    const during = () => `while fetching the result from ${redactUrl(resultUrl)}`;
    return sendWithRetries(options, pollRequest(operation, resultUrl), options, during, (final) => {
      try {
        const deleted = final.status === 404 && operation.method === "DELETE";
        if (!isSuccessStatus(final.status) && !deleted) {
          throw new LroBadStatusError({ response: final, during: during(), error: serviceErrorOf(bodyOrNothing(final)) });
        }
        const body = deleted ? undefined : readBody(final);
        done({ operation, state: makeState(operation, { ...reading, body }, { response: final, pollCount, resultUrl }, options) });
      } catch (error) {
        fail(error);
      }
    }, fail);
  };

  /** The step after `step`'s poll (and, when it succeeded, its final GET), as soon as it is known. */
  const readPoll = (step: Step<TResult>, response: PipelineResponse, done: (step: Step<TResult>) => void, fail: (error: unknown) => void) => {
    const { operation, state, immediateStreak = 0 } = step;
    const pollingUrl = operation.pollingUrl as string;
    if (!isSuccessStatus(response.status)) {
      throw new LroBadStatusError({ response, during: `while polling ${redactUrl(pollingUrl)}`, error: serviceErrorOf(bodyOrNothing(response)) });
    }
    const reading = strategy.readPoll(response);
    const link = strategy.pollingLink(response, operation);
    // The same URL as now needs no second check; and an unchanged operation keeps its object
    // (and so its encoded continuation token).
    const nextPollingUrl = link === undefined || link === pollingUrl ? pollingUrl : followUrl(link, urlPolicy(operation, options));
    const location = headerLink(response, "location") ?? operation.location;
    const next: TrackedOperation =
      nextPollingUrl === pollingUrl && location === operation.location
        ? operation
        : Object.assign({}, operation, { pollingUrl: nextPollingUrl, location });
    const pollCount = state.pollCount + 1;
    if (reading.status === "succeeded") return fetchResult(next, reading, response, pollCount, done, fail);
    done(spaceImmediatePolls({ operation: next, state: makeState(next, reading, { response, pollCount }, options) }, immediateStreak, options.intervalInMs));
    return undefined;
  };

  /**
   * One poll of `step`'s operation, as an observable of the next step. One observable, with the
   * requests behind callbacks, rather than an operator chain: this runs once per poll, and a
   * chain of subscribers per poll was much of the engine's CPU and garbage.
   */
  const poll = (step: Step<TResult>): Observable<Step<TResult>> =>
    new Observable<Step<TResult>>((subscriber) => {
      // An error carries the last state the caller saw, and its token to resume from.
      const fail = (error: unknown) => subscriber.error(attachState(error, step.state));
      const done = (next: Step<TResult>) => {
        subscriber.next(next);
        subscriber.complete();
      };
      const pollingUrl = step.operation.pollingUrl as string;
      const during = () => `while polling ${redactUrl(pollingUrl)}`;
      let cancel: Cancel | undefined = sendWithRetries(options, pollRequest(step.operation, pollingUrl), options, during, (response) => {
        try {
          cancel = readPoll(step, response, done, fail);
        } catch (error) {
          fail(error);
        }
      }, fail);
      return () => cancel?.();
    });

  return first.pipe(
    expand((step) =>
      isTerminalStatus(step.state.status)
        ? EMPTY
        : timer(step.state.nextPollInMs ?? options.intervalInMs, options.scheduler).pipe(switchMap(() => poll(step))),
    ),
    takeWhile((step) => !isTerminalStatus(step.state.status), true),
    map((step) => {
      logState(step.state, step.operation.method);
      return step.state;
    }),
  );
}

/**
 * The states of an operation that started with `initial`, as `strategy` follows it: the state
 * read from the initial response first (terminal at once when the response says it is done).
 */
export function followInitialResponse<TResult>(
  strategy: PollingStrategy,
  initial: PipelineResponse,
  options: ResolvedLroOptions<TResult>,
): Observable<LroState<TResult>> {
  return followFrom(
    of(initial).pipe(
      map((response) => {
        const { request } = response;
        if (![200, 201, 202, 204].includes(response.status)) {
          throw new LroBadStatusError({
            response,
            during: `in the initial response to ${request.method}`,
            error: serviceErrorOf(bodyOrNothing(response)),
          });
        }
        const reading = strategy.readInitial(response);
        const method = request.method.toUpperCase();
        const requestUrl = request.url;
        const link = strategy.pollingLink(response, { requestUrl, method });
        const location = headerLink(response, "location");
        const clientRequestId = request.headers.get("x-ms-client-request-id");
        const finished = isTerminalStatus(reading.status) && strategy.name !== "bodyContent";
        const operation: TrackedOperation = {
          strategy: strategy.name,
          method,
          requestUrl,
          ...(link === undefined || finished ? {} : { pollingUrl: followUrl(link, { origin: requestUrl, allowedHosts: options.allowedHosts }) }),
          ...(location === undefined ? {} : { location }),
          ...(options.finalStateVia === undefined ? {} : { finalStateVia: options.finalStateVia }),
          allowInsecureConnection: request.allowInsecureConnection === true && requestUrl.startsWith("http:"),
          ...(clientRequestId === undefined ? {} : { clientRequestId }),
          ...(finished ? { finishedAs: reading.status as TrackedOperation["finishedAs"] & string } : {}),
        };
        return spaceImmediatePolls({ operation, state: makeState(operation, reading, { response, pollCount: 0 }, options) }, 0, options.intervalInMs);
      }),
    ),
    strategy,
    options,
  );
}

/**
 * A state for an operation known only by its token, before any response: what a watcher shows
 * until the first poll answers.
 */
export function notStartedState<TResult>(operation: TrackedOperation, options: ResolvedLroOptions<TResult>): LroState<TResult> {
  const reading: Reading = { status: "notStarted", providerStatus: "NotStarted", body: undefined };
  return makeState(operation, reading, { pollCount: 0 }, options);
}

/**
 * The states of an operation restored from a continuation token: the first poll goes out after
 * `firstPollDelayInMs` (at once by default: the token does not know how long ago it was
 * written), or, for an operation that had finished without polling, it emits how it ended.
 */
export function followTrackedOperation<TResult>(
  strategy: PollingStrategy,
  operation: TrackedOperation,
  options: ResolvedLroOptions<TResult>,
  firstPollDelayInMs = 0,
): Observable<LroState<TResult>> {
  return defer(() => {
    checkResumedOrigin(operation.requestUrl, options.allowedHosts);
    if (operation.finishedAs !== undefined) {
      const reading: Reading = { status: operation.finishedAs, providerStatus: operation.finishedAs, body: undefined };
      return of(makeState(operation, reading, { pollCount: 0 }, options));
    }
    const first = { ...operation, pollingUrl: followUrl(operation.pollingUrl as string, urlPolicy(operation, options)) };
    const placeholder: Step<TResult> = {
      operation: first,
      state: { ...notStartedState(first, options), nextPollInMs: firstPollDelayInMs },
    };
    // The placeholder only drives the first poll: the stream emits what the service says.
    return followFrom(of(placeholder), strategy, options).pipe(skip(1));
  });
}
