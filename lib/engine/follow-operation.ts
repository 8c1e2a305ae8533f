import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { defer, type Observable, of, skip, takeWhile } from "rxjs";
import { attachState } from "../errors/lro-error.js";
import { LroBadStatusError } from "../errors/lro-bad-status-error.js";
import { headerLink } from "../http/headers.js";
import { checkResumedOrigin, followUrl, refusedUrlForToken } from "../http/url-policy.js";
import type { ResolvedLroOptions } from "../options.js";
import { isTerminalStatus, type LroState } from "../state.js";
import { bodyOrNothing, serviceErrorOf } from "../strategies/reading.js";
import type { PollingStrategy } from "../strategies/strategy.js";
import type { TrackedOperation } from "../tracked-operation.js";
import { expandFrom } from "./expand-from.js";
import { makeState, restoredState } from "./make-state.js";
import { logState, PollLoop } from "./poll-loop.js";

const isRunning = <TResult>(state: LroState<TResult>): boolean => !isTerminalStatus(state.status);

/**
 * The states of an operation from the loop and first state `begin` gives (once per
 * subscription): the first state, then one per poll, polled one at a time until a terminal
 * state, which is emitted too; the final GET is switched in by the loop when the operation has
 * succeeded. The first state is not emitted when it is only a `placeholder` driving the first
 * poll. `begin` is let go of once it has run: closures made in one function share one context,
 * and the loop must not keep the initial response alive until the operation ends.
 */
function follow<TResult>(
  begin: () => { readonly loop: PollLoop<TResult>; readonly first: LroState<TResult>; readonly placeholder?: boolean },
): Observable<LroState<TResult>> {
  return defer(() => {
    const { loop, first, placeholder = false } = begin();
    if (!placeholder) logState(first, loop.operation.method);
    const states = expandFrom(first, loop).pipe(takeWhile(isRunning, true));
    return placeholder ? states.pipe(skip(1)) : states;
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
  return follow(() => {
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
    // Built by assignment: V8 builds conditional spreads many times slower.
    const allowInsecureConnection = request.allowInsecureConnection === true && requestUrl.startsWith("http:");
    const operation: { -readonly [K in keyof TrackedOperation]: TrackedOperation[K] } = { strategy: strategy.name, method, requestUrl, allowInsecureConnection };
    if (pollingUrl !== undefined) operation.pollingUrl = pollingUrl;
    if (location !== undefined) operation.location = location;
    if (options.finalStateVia !== undefined) operation.finalStateVia = options.finalStateVia;
    if (clientRequestId !== undefined) operation.clientRequestId = clientRequestId;
    if (finished) operation.finishedAs = reading.status as TrackedOperation["finishedAs"] & string;
    const loop = new PollLoop(strategy, options, operation);
    const first = makeState(operation, reading, { response: initial, pollCount: 0 }, options, loop);
    if (refused !== undefined) {
      const { pollingUrl: _neverPolled, ...state } = first;
      throw attachState(refused, Object.freeze(state) as LroState<TResult>);
    }
    return { loop, first };
  });
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
    return follow<TResult>(() => {
      const policy = { origin: operation.requestUrl, allowedHosts: options.allowedHosts };
      const first = { ...operation, pollingUrl: followUrl(operation.pollingUrl as string, policy) };
      // Only drives the first poll: the stream emits what the service says.
      const placeholder = { ...restoredState(first, options), nextPollInMs: firstPollDelayInMs };
      return { loop: new PollLoop(strategy, options, first), first: placeholder, placeholder: true };
    });
  });
}
