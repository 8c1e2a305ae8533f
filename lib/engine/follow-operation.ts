import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { defer, EMPTY, expand, Observable, of, skip, takeWhile } from "rxjs";
import { encodeContinuationToken } from "../continuation-token.js";
import { attachState } from "../errors/lro-error.js";
import { LroBadStatusError } from "../errors/lro-bad-status-error.js";
import { readBody } from "../http/body.js";
import { headerLink } from "../http/headers.js";
import { createHttpHeaders } from "../http/http-headers.js";
import { parseRetryAfter } from "../http/retry-after.js";
import { sendWithRetries } from "../http/send-with-retries.js";
import { CurrentRequest, RequestControllers, type Cancel, type RequestOptions } from "../http/send.js";
import { checkResumedOrigin, followUrl, redactUrl, refusedUrlForToken } from "../http/url-policy.js";
import { logger } from "../logger.js";
import { clampDelay, fallbackInterval, type ResolvedLroOptions } from "../options.js";
import { isTerminalStatus, type LroErrorDetail, type LroState, type LroStateBase } from "../state.js";
import { bodyOrNothing, serviceErrorOf, type Reading } from "../strategies/reading.js";
import type { PollingStrategy } from "../strategies/strategy.js";
import type { TrackedOperation } from "../tracked-operation.js";

/**
 * What one subscription to an operation's states keeps from poll to poll. Mutable, and safe so:
 * `expand` subscribes to one poll at a time here (only ever one state is waiting), and each
 * subscription makes its own.
 */
interface Run {
  /** The operation as the latest response left it (a new object only when it changed). */
  operation: TrackedOperation;
  /** How many states in a row have had the next poll due at once (Retry-After: 0, or an interval of 0). */
  immediateStreak: number;
  readonly controllers: RequestControllers;
  /** The continuation token of `tokenOf`: encoded once per operation object, not per state. */
  token: string;
  tokenOf: TrackedOperation | undefined;
}

function startRun(operation: TrackedOperation): Run {
  return { operation, immediateStreak: 0, controllers: new RequestControllers(), token: "", tokenOf: undefined };
}

/**
 * The token of `operation`, which the loop keeps as the same object from poll to poll while
 * nothing in it changes. Cached on the run rather than in a WeakMap keyed by the operation: an
 * entry per operation in a WeakMap is an ephemeron the garbage collector has to trace apart.
 */
function continuationTokenOf(operation: TrackedOperation, run: Run | undefined): string {
  if (run === undefined) return encodeContinuationToken(operation);
  if (run.tokenOf !== operation) {
    run.token = encodeContinuationToken(operation);
    run.tokenOf = operation;
  }
  return run.token;
}

/** No two polls of an operation come back to back twice in a row: the floor of their spacing. */
const minimumSpacingInMs = 10;

/**
 * The delay before the next poll: the Retry-After asked for, else the interval. "Poll now"
 * (Retry-After: 0, or `intervalInMs: 0`) is honoured once; when state after state is due at once,
 * the polls are spaced out (10 ms, 20 ms, … up to the interval, and never under 10 ms), so that
 * neither a service nor an option can make the client spin.
 */
function nextPollDelay(run: Run, retryAfterInMs: number | undefined, options: ResolvedLroOptions<unknown>): number {
  const due = retryAfterInMs ?? fallbackInterval(options);
  if (due !== 0) {
    run.immediateStreak = 0;
    return due;
  }
  const streak = ++run.immediateStreak;
  if (streak < 2) return 0;
  return Math.min(Math.max(options.intervalInMs, minimumSpacingInMs), minimumSpacingInMs * 2 ** (streak - 2));
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

/**
 * The state read from one response (or none). With a `run`, a running state's next delay is
 * counted on the run's streak of immediate polls (see {@link nextPollDelay}), which it advances:
 * make each polled state once; and the token is the run's (see {@link continuationTokenOf}).
 */
function makeState<TResult>(
  operation: TrackedOperation,
  reading: Reading,
  observation: Observation,
  options: ResolvedLroOptions<TResult>,
  run?: Run,
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
    continuationToken: continuationTokenOf(operation, run),
  };
  if (reading.percentComplete !== undefined) state.percentComplete = reading.percentComplete;
  if (operation.pollingUrl !== undefined) state.pollingUrl = operation.pollingUrl;
  if (resultUrl !== undefined) state.resultUrl = resultUrl;
  if (retryAfterInMs !== undefined) state.retryAfterInMs = retryAfterInMs;
  if (!isTerminalStatus(reading.status)) {
    state.nextPollInMs = run === undefined ? (retryAfterInMs ?? fallbackInterval(options)) : nextPollDelay(run, retryAfterInMs, options);
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

function pollRequest(operation: TrackedOperation, url: string): RequestOptions {
  const headers = createHttpHeaders({ accept: "application/json" });
  if (operation.clientRequestId !== undefined) headers.set("x-ms-client-request-id", operation.clientRequestId);
  return { url, method: "GET", headers, allowInsecureConnection: operation.allowInsecureConnection };
}

const whilePolling = (pollingUrl: string) => `while polling ${redactUrl(pollingUrl)}`;

function logState(state: LroState<unknown>, method: string): void {
  if (!logger.info.enabled) return;
  const where = state.pollingUrl === undefined ? "" : ` ${redactUrl(state.pollingUrl)}`;
  const next = state.nextPollInMs === undefined ? "" : `; next poll in ${state.nextPollInMs} ms`;
  logger.info(
    `${method} ${state.strategy}${where}: HTTP ${state.httpStatus ?? "-"} ${state.providerStatus} → ${state.status}${next}`,
  );
}

/**
 * What follows an operation from its first state to its end: waits for the state's delay (the
 * response's Retry-After, else the interval), polls, reads the response with the strategy, and on
 * success fetches the final result; one state per poll, the terminal one included, then completes.
 * The first state is emitted too, unless it is only a `placeholder` driving the first poll.
 */
function statesFollowing<TResult>(
  strategy: PollingStrategy,
  options: ResolvedLroOptions<TResult>,
): (run: Run, first: LroState<TResult>, placeholder: boolean) => Observable<LroState<TResult>> {
  const emitted = (run: Run, state: LroState<TResult>) => {
    logState(state, run.operation.method);
    return state;
  };

  /** The terminal state of an operation whose poll said it succeeded: its result, fetched if it must be. */
  const fetchResult = (
    run: Run,
    reading: Reading,
    response: PipelineResponse,
    pollCount: number,
    done: (state: LroState<TResult>) => void,
    fail: (error: unknown) => void,
  ): Cancel | undefined => {
    const { operation } = run;
    const source = strategy.finalResult(operation, reading);
    if (source.from !== "get") {
      const body = source.from === "body" ? reading.body : undefined;
      done(makeState(operation, { ...reading, body }, { response, pollCount }, options, run));
      return undefined;
    }
    const resultUrl = followUrl(source.url, urlPolicy(operation, options));
    const during = () => `while fetching the result from ${redactUrl(resultUrl)}`;
    return sendWithRetries(options, run.controllers, pollRequest(operation, resultUrl), options, during, (final) => {
      try {
        const deleted = final.status === 404 && operation.method === "DELETE";
        if (!isSuccessStatus(final.status) && !deleted) {
          throw new LroBadStatusError({ response: final, during: during(), error: serviceErrorOf(bodyOrNothing(final)) });
        }
        const body = deleted ? undefined : readBody(final);
        done(makeState(operation, { ...reading, body }, { response: final, pollCount, resultUrl }, options, run));
      } catch (error) {
        fail(error);
      }
    }, fail);
  };

  /** Reads a poll's response into the next state (after the final GET, when it succeeded). */
  const readPoll = (
    run: Run,
    state: LroState<TResult>,
    response: PipelineResponse,
    done: (state: LroState<TResult>) => void,
    fail: (error: unknown) => void,
  ): Cancel | undefined => {
    const { operation } = run;
    const pollingUrl = operation.pollingUrl as string;
    if (!isSuccessStatus(response.status)) {
      throw new LroBadStatusError({ response, during: whilePolling(pollingUrl), error: serviceErrorOf(bodyOrNothing(response)) });
    }
    const reading = strategy.readPoll(response);
    const link = strategy.pollingLink(response, operation);
    // The same URL as now needs no second check; and an unchanged operation keeps its object
    // (and so its encoded continuation token).
    const nextPollingUrl = link === undefined || link === pollingUrl ? pollingUrl : followUrl(link, urlPolicy(operation, options));
    // A poll's own `Location` is not kept: the final GET uses the initial response's (see TrackedOperation.location).
    if (nextPollingUrl !== pollingUrl) run.operation = Object.assign({}, operation, { pollingUrl: nextPollingUrl });
    const pollCount = state.pollCount + 1;
    if (reading.status === "succeeded") return fetchResult(run, reading, response, pollCount, done, fail);
    done(makeState(run.operation, reading, { response, pollCount }, options, run));
    return undefined;
  };

  /**
   * Waits `delayInMs` on the scheduler, then polls: what `timer(delayInMs, scheduler).pipe(switchMap(poll))`
   * does, as one observable with the requests behind callbacks. This runs once per poll, and a
   * chain of operators and subscribers per poll was a quarter of the engine's CPU and most of its
   * garbage (see bench/README.md).
   */
  const pollAfter = (delayInMs: number, run: Run, state: LroState<TResult>): Observable<LroState<TResult>> =>
    new Observable<LroState<TResult>>((subscriber) => {
      // An error carries the last state the caller saw, and its token to resume from.
      const fail = (error: unknown) => subscriber.error(attachState(error, state));
      const done = (next: LroState<TResult>) => {
        subscriber.next(emitted(run, next));
        subscriber.complete();
      };
      const current = new CurrentRequest();
      const wait = options.scheduler.schedule(() => {
        const pollingUrl = run.operation.pollingUrl as string;
        current.set(
          sendWithRetries(options, run.controllers, pollRequest(run.operation, pollingUrl), options, () => whilePolling(pollingUrl), (response) => {
            try {
              current.set(readPoll(run, state, response, done, fail));
            } catch (error) {
              fail(error);
            }
          }, fail),
        );
      }, delayInMs);
      return () => {
        wait.unsubscribe();
        current.cancel();
      };
    });

  return (run, first, placeholder) => {
    const states = of(placeholder ? first : emitted(run, first)).pipe(
      expand((state) => (isTerminalStatus(state.status) ? EMPTY : pollAfter(state.nextPollInMs ?? options.intervalInMs, run, state))),
      takeWhile((state) => !isTerminalStatus(state.status), true),
    );
    return placeholder ? states.pipe(skip(1)) : states;
  };
}

/**
 * The states of an operation, from the run and first state `begin` gives (once per subscription).
 * Apart from {@link statesFollowing}: closures made in one function share one context, and the
 * poll loop's closures would otherwise keep `begin`, and the initial response it reads, alive
 * until the operation ends.
 */
function follow<TResult>(
  strategy: PollingStrategy,
  options: ResolvedLroOptions<TResult>,
  begin: () => { readonly run: Run; readonly first: LroState<TResult>; readonly placeholder?: boolean },
): Observable<LroState<TResult>> {
  const states = statesFollowing(strategy, options);
  return defer(() => {
    const { run, first, placeholder = false } = begin();
    return states(run, first, placeholder);
  });
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
  return follow(strategy, options, () => {
    const { request } = initial;
    if (![200, 201, 202, 204].includes(initial.status)) {
      throw new LroBadStatusError({
        response: initial,
        during: `in the initial response to ${request.method}`,
        error: serviceErrorOf(bodyOrNothing(initial)),
      });
    }
    const reading = strategy.readInitial(initial);
    const method = request.method.toUpperCase();
    const requestUrl = request.url;
    const link = strategy.pollingLink(initial, { requestUrl, method });
    const location = headerLink(initial, "location");
    const clientRequestId = request.headers.get("x-ms-client-request-id");
    const finished = isTerminalStatus(reading.status) && strategy.name !== "bodyContent";
    let pollingUrl: string | undefined;
    let refused: unknown;
    if (link !== undefined && !finished) {
      try {
        pollingUrl = followUrl(link, { origin: requestUrl, allowedHosts: options.allowedHosts });
      } catch (error) {
        // The operation has started: the error carries its state, and a token that keeps the
        // refused URL, which resuming checks again (followed only once its host is allowed).
        refused = error;
        pollingUrl = refusedUrlForToken(link, requestUrl);
      }
    }
    const operation: TrackedOperation = {
      strategy: strategy.name,
      method,
      requestUrl,
      ...(pollingUrl === undefined ? {} : { pollingUrl }),
      ...(location === undefined ? {} : { location }),
      ...(options.finalStateVia === undefined ? {} : { finalStateVia: options.finalStateVia }),
      allowInsecureConnection: request.allowInsecureConnection === true && requestUrl.startsWith("http:"),
      ...(clientRequestId === undefined ? {} : { clientRequestId }),
      ...(finished ? { finishedAs: reading.status as TrackedOperation["finishedAs"] & string } : {}),
    };
    const run = startRun(operation);
    const first = makeState(operation, reading, { response: initial, pollCount: 0 }, options, run);
    if (refused !== undefined) {
      const { pollingUrl: _neverPolled, ...state } = first;
      throw attachState(refused, Object.freeze(state) as LroState<TResult>);
    }
    return { run, first };
  });
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

/**
 * The states of an operation restored from a continuation token: the first poll goes out after
 * `firstPollDelayInMs` (at once by default: the token does not know how long ago it was
 * written), or, for an operation that had finished without polling, it emits how it ended.
 * `originTrusted` skips the check of the token's own host: for an operation this process began
 * itself (a hub's `begin`), whose token is not outside input.
 */
export function followTrackedOperation<TResult>(
  strategy: PollingStrategy,
  operation: TrackedOperation,
  options: ResolvedLroOptions<TResult>,
  firstPollDelayInMs = 0,
  originTrusted = false,
): Observable<LroState<TResult>> {
  return defer(() => {
    if (!originTrusted) checkResumedOrigin(operation.requestUrl, options.allowedHosts);
    if (operation.finishedAs !== undefined) return of(restoredState(operation, options));
    return follow<TResult>(strategy, options, () => {
      const first = { ...operation, pollingUrl: followUrl(operation.pollingUrl as string, urlPolicy(operation, options)) };
      // Only drives the first poll: the stream emits what the service says.
      return { run: startRun(first), first: { ...restoredState(first, options), nextPollInMs: firstPollDelayInMs }, placeholder: true };
    });
  });
}
