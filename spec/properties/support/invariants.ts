/**
 * The invariants every run must satisfy, as functions from a recorded run to the list of its
 * violations (empty when it is fine), so that each can be shown to fail on a broken stream.
 */
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { LroError, LroTimeoutError, LroUrlRejectedError, type LroState } from "../../../lib/index.js";
import type { FakeReply, ReceivedRequest } from "../../support/fake-service.js";
import { host } from "./arbitraries.js";
import type { RunEvent, RunRecord } from "./harness.js";
import { pollDelays, retryDelay, transientStatuses, type Timing } from "./oracle.js";

const statuses = new Set(["notStarted", "running", "succeeded", "failed", "canceled"]);
const isTerminal = (state: LroState) => state.status === "succeeded" || state.status === "failed" || state.status === "canceled";
const statesOf = (record: RunRecord) => record.events.flatMap((event) => (event.kind === "next" ? [event.state] : []));

/**
 * 1. It ends: completes, or errors with an `LroError` carrying the last state emitted (a resumed
 * stream that fails before its first state: none, or the `notStarted` state of the token it was
 * given); nothing thrown, nothing unhandled; by its deadline, with `LroTimeoutError` exactly at it.
 */
export function checkEnds(
  record: RunRecord,
  timing: Pick<Timing, "timeoutInMs"> | undefined,
  { allowUnsubscribed = false, resumedFrom }: { allowUnsubscribed?: boolean; resumedFrom?: string } = {},
): string[] {
  const violations: string[] = [];
  const ok = record.end === "complete" || record.end === "error" || (allowUnsubscribed && record.end === "unsubscribed");
  if (!ok) violations.push(`1: the stream did not end properly: ${record.end}${record.thrown === undefined ? "" : ` (${String(record.thrown)})`}`);
  const error = record.events.find((event) => event.kind === "error");
  if (error?.kind === "error") {
    if (!(error.error instanceof LroError)) {
      const name = (error.error as Error)?.constructor?.name ?? typeof error.error;
      violations.push(`1: errored with ${name} (${String((error.error as Error)?.message ?? error.error)}), not an LroError`);
    } else {
      const states = record.events.filter((event) => event.kind === "next" && event.at <= error.at);
      const last = states.at(-1);
      const carried = error.error.state;
      if (last === undefined && resumedFrom !== undefined) {
        // The poll path attaches the token's restored (running) placeholder; the deadline (which only
        // knows emitted states) attaches nothing. Either is accepted (the caller has the token anyway).
        if (carried !== undefined && (carried.status !== "running" || carried.continuationToken !== resumedFrom)) {
          violations.push("1: the error of a resumed stream carries a state it did not emit, and not its token's");
        }
      } else if (last === undefined && error.error instanceof LroUrlRejectedError && carried !== undefined) {
        // A polling URL refused on the initial response: the state read from that response, never polled.
        if (carried.pollCount !== 0 || carried.pollingUrl !== undefined || carried.httpStatus === undefined) {
          violations.push("1: a URL refused on the initial response carries a state other than that response's");
        }
      } else if (carried !== (last?.kind === "next" ? last.state : undefined)) violations.push("1: the error does not carry the last state emitted");
      if (error.error.continuationToken !== carried?.continuationToken) violations.push("1: the error's token is not its state's");
    }
  }
  if (timing !== undefined && record.end !== "unsubscribed") {
    const deadline = record.subscribedAt + timing.timeoutInMs;
    const timedOut = error?.kind === "error" && error.error instanceof LroTimeoutError;
    if (record.endAt > deadline) violations.push(`1: ended @${record.endAt}, after its deadline @${deadline}`);
    if (timedOut && record.endAt !== deadline) violations.push(`1: LroTimeoutError @${record.endAt}, not at the deadline @${deadline}`);
    if (!timedOut && record.endAt === deadline && record.end === "error") violations.push("1: still running at the deadline, but not an LroTimeoutError");
  }
  for (const reason of record.unhandledRejections) violations.push(`1: unhandled rejection: ${String(reason)}`);
  for (const error of record.unhandledErrors) violations.push(`1: rxjs reported an unhandled error: ${String(error)}`);
  return violations;
}

/** 2. Nothing after the end: no event, no notification to the stopped subscriber, no request. */
export function checkNothingAfterEnd(record: RunRecord): string[] {
  const violations: string[] = [];
  if (record.eventsAfterEnd > 0) violations.push(`2: ${record.eventsAfterEnd} event(s) after the end`);
  if (record.stoppedNotifications.length > 0) violations.push(`2: notifications after the end: ${record.stoppedNotifications.join(", ")}`);
  const ends = record.events.filter((event) => event.kind !== "next").length;
  if (ends > 1) violations.push(`2: ${ends} complete/error notifications`);
  if (record.requests.length > record.requestsAtEnd) {
    const late = record.requests.slice(record.requestsAtEnd).map((request) => `${request.method} ${request.url} @${request.at}`);
    violations.push(`2: request(s) after the end (${record.end} @${record.endAt}): ${late.join("; ")}`);
  }
  return violations;
}

/**
 * 3. Status sequence: `notStarted`/`running` states, then at most one terminal state, which is
 * the last; a completed stream ends on a terminal state; a terminal state is followed by
 * `complete`, not an error. Also: `nextPollInMs` exactly on the non-terminal states, and
 * `percentComplete` within 0–100.
 */
export function checkStatusSequence(record: RunRecord): string[] {
  const violations: string[] = [];
  const states = statesOf(record);
  states.forEach((state, index) => {
    if (!statuses.has(state.status)) violations.push(`3: state ${index} has status ${String(state.status)}`);
    if (isTerminal(state) && index !== states.length - 1) violations.push(`3: terminal state ${index} (${state.status}) is not the last (${states.length} states)`);
    if (isTerminal(state) !== (state.nextPollInMs === undefined)) violations.push(`3: state ${index} (${state.status}) has nextPollInMs ${state.nextPollInMs}`);
    if (state.percentComplete !== undefined && !(state.percentComplete >= 0 && state.percentComplete <= 100)) {
      violations.push(`3: state ${index} has percentComplete ${state.percentComplete}`);
    }
  });
  const last = states.at(-1);
  if (record.end === "complete" && (last === undefined || !isTerminal(last))) violations.push(`3: completed after ${last === undefined ? "no state" : `a ${last.status} state`}`);
  if (last !== undefined && isTerminal(last) && record.end === "error") violations.push("3: errored after a terminal state");
  return violations;
}

/** 5. Nothing left behind at the end: no timer of the library's, no request in flight. */
export function checkNothingLeft(record: RunRecord): string[] {
  const violations: string[] = [];
  if (record.libraryActionsAfterEnd > 0) violations.push(`5: ${record.libraryActionsAfterEnd} timer(s) left scheduled after the end (${record.end})`);
  if (record.inFlightAfterEnd > 0) violations.push(`5: ${record.inFlightAfterEnd} request(s) left in flight after the end (${record.end})`);
  return violations;
}

/** 8. Every request stays on the initial request's https host (hostile headers are refused). */
export function checkRequestsStayHome(record: RunRecord): string[] {
  return record.requests
    .filter((request) => new URL(request.url).origin !== host)
    .map((request) => `8: sent ${request.method} ${request.url}, off ${host}`);
}

// ---- 4. Timing -----------------------------------------------------------------------------

/** The reply each request got: the fake answers a route's replies in order, repeating the last. */
export function repliesOf(requests: readonly ReceivedRequest[], routes: ReadonlyMap<string, readonly FakeReply[]>): FakeReply[] {
  const counts = new Map<string, number>();
  return requests.map((request) => {
    const key = `${request.method} ${request.url}`;
    const replies = routes.get(key);
    const count = counts.get(key) ?? 0;
    counts.set(key, count + 1);
    return replies === undefined ? { status: 404 } : replies[Math.min(count, replies.length - 1)]!;
  });
}

/**
 * When a request's exchange ended (answer, or abort at its deadline), and whether it failed
 * transiently. Polls and final GETs have `requestTimeoutInMs` as their deadline (the library
 * enforces it around each exchange); the initial request has none.
 */
export function exchangeOf(request: ReceivedRequest, reply: FakeReply, deadlineInMs: number): { end: number; transient: boolean } {
  const timeout = deadlineInMs;
  if (reply.hang) return { end: request.at + timeout, transient: Number.isFinite(timeout) };
  const delay = reply.delayInMs ?? 0;
  if (delay >= timeout) return { end: request.at + timeout, transient: true };
  return { end: request.at + delay, transient: reply.networkError !== undefined || transientStatuses.has(reply.status) };
}

export interface TimingContext {
  readonly timing: Timing;
  readonly routes: ReadonlyMap<string, readonly FakeReply[]>;
  /** The first request is the initial one (`beginLro`), or a poll sent at once (`resumeLro`). */
  readonly firstRequest: "initial" | "poll";
  /** The token a resumed stream was given. */
  readonly resumedFrom?: string;
}

/**
 * 4. Never polls before its delay. With e_i the time request r_i's exchange ended (its answer,
 * or its abort after the request timeout), each next request r_{i+1} is exactly one of:
 *  (a) a state S was emitted between them: S was read from r_i's response, so it came at e_i;
 *      S is not terminal; S.nextPollInMs = D = the response's Retry-After (retry-after-ms,
 *      x-ms-retry-after-ms, Retry-After seconds or HTTP-date, read at e_i), clamped to
 *      [0, maxDelayInMs], else intervalInMs — except that the n-th "now" in a row (n ≥ 2) waits
 *      min(intervalInMs, 10·2^(n−2)) ms (see `pollDelays`); and r_{i+1} is the GET of
 *      S.pollingUrl at e_i + D;
 *  (b) r_i failed transiently (network error, request timeout, 408/429/5xx) for the k-th time in
 *      a row (k ≤ maxRetries): r_{i+1} repeats it at e_i + (the failed response's Retry-After,
 *      clamped, else min(retryDelayInMs·2^(k−1), maxRetryDelayInMs)) — retries have their own
 *      backoff and do not emit;
 *  (c) r_i was a poll that found the operation succeeded: r_{i+1} is the one final GET, at e_i,
 *      and the next state is `succeeded` with that GET's URL as `resultUrl`.
 * Every state's `httpStatus` is that of the reply to the request just before it, and its
 * `pollCount` the number of polls before it (retries and the final GET do not count).
 * So two requests share a virtual time only after a zero delay (a first "now", intervalInMs 0,
 * retryDelayInMs 0, or a 429/5xx's Retry-After of 0), or for the final GET. The
 * first request goes out when the stream is subscribed (a resumed stream polls at once).
 */
export function checkTiming(record: RunRecord, context: TimingContext): string[] {
  const violations: string[] = [];
  const { timing, routes } = context;
  const requests = record.requests.slice(0, record.requestsAtEnd);
  const replies = repliesOf(requests, routes);
  const nexts = record.events.filter((event): event is Extract<RunEvent, { kind: "next" }> => event.kind === "next");
  const fail = (text: string) => violations.push(`4: ${text}`);
  const delays = pollDelays(nexts.map((event) => ({ headers: event.state.rawResponse?.headers, at: event.at })), timing);

  if (requests.length > 0 && requests[0]!.at !== record.subscribedAt) fail(`the first request went out @${requests[0]!.at}, not on subscribe @${record.subscribedAt}`);
  nexts.forEach((event, index) => {
    if (event.requestsBefore === 0) fail(`a state was emitted @${event.at} before any request`);
    // One state per poll (the poll before a final GET emits through it): the initial state counts 0.
    const pollCount = context.firstRequest === "initial" ? index : index + 1;
    if (event.state.pollCount !== pollCount) fail(`state ${index} @${event.at} has pollCount ${event.state.pollCount}, not ${pollCount}`);
    const reply = replies[event.requestsBefore - 1];
    if (reply !== undefined && event.state.httpStatus !== reply.status) fail(`state @${event.at} has httpStatus ${event.state.httpStatus}, the last reply was ${reply.status}`);
    const delay = delays[index];
    if (!isTerminal(event.state) && delay !== undefined && event.state.nextPollInMs !== delay) {
      fail(`state @${event.at} says nextPollInMs ${event.state.nextPollInMs}, its response asks for ${delay}`);
    }
  });

  let retries = 0; // k: transient failures in a row of the current request
  let finalGetSent = false;
  for (let i = 0; i + 1 < requests.length; i++) {
    const request = requests[i]!;
    const following = requests[i + 1]!;
    const reply = replies[i]!;
    const initial = i === 0 && context.firstRequest === "initial";
    const { end, transient } = exchangeOf(request, reply, initial ? Number.POSITIVE_INFINITY : context.timing.requestTimeoutInMs);
    const between = nexts.filter((event) => event.requestsBefore === i + 1);
    const label = `request ${i + 1} (${following.method} ${following.url} @${following.at}) after request ${i} (${request.method} ${request.url} @${request.at})`;
    if (between.length > 1) fail(`${between.length} states from one response before ${label}`);
    const emitted = between[0];
    if (emitted !== undefined) {
      // (a)
      retries = 0;
      const state = emitted.state;
      if (emitted.at !== end) fail(`state emitted @${emitted.at}, but its response came @${end}`);
      if (isTerminal(state)) {
        fail(`${label}: sent after the terminal state`);
        continue;
      }
      if (state.rawResponse === undefined) {
        fail(`state before ${label} has no rawResponse`);
        continue;
      }
      const delay = delays[nexts.indexOf(emitted)]!;
      const due = emitted.at + delay;
      if (following.at < due) fail(`${label}: polled before its delay (due @${due})`);
      if (following.at > due) fail(`${label}: polled late (due @${due})`);
      if (following.method !== "GET" || following.url !== state.pollingUrl) fail(`${label}: not a GET of the state's pollingUrl ${state.pollingUrl}`);
      finalGetSent = false;
    } else if (i === 0 && context.firstRequest === "initial") {
      fail(`${label}: the initial response emitted no state`);
    } else if (transient) {
      // (b)
      retries++;
      if (retries > timing.maxRetries) fail(`${label}: retry ${retries} of at most ${timing.maxRetries}`);
      // Only an answer (a 408/429/5xx) has a Retry-After; a dropped or timed-out exchange backs off.
      const answered = end === request.at + (reply.delayInMs ?? 0) && !reply.hang && reply.networkError === undefined;
      const due = end + retryDelay(answered ? createHttpHeaders(reply.headers) : undefined, retries, end, timing);
      if (following.at < due) fail(`${label}: retried before its backoff (due @${due}, retry ${retries})`);
      if (following.at > due) fail(`${label}: retried late (due @${due}, retry ${retries})`);
      if (following.method !== request.method || following.url !== request.url) fail(`${label}: a retry that is not the same request`);
    } else {
      // (c)
      retries = 0;
      if (finalGetSent) fail(`${label}: a second final GET without a state in between`);
      finalGetSent = true;
      if (following.method !== "GET") fail(`${label}: a final GET that is not a GET`);
      if (following.at !== end) fail(`${label}: the final GET did not follow its poll at once (@${end})`);
      // What it fetched is the result of the succeeded state that follows (if the stream gets that far).
      const result = nexts.find((event) => event.requestsBefore >= i + 2);
      if (result !== undefined && (result.state.status !== "succeeded" || result.state.resultUrl !== following.url)) {
        fail(`${label}: a final GET followed by a ${result.state.status} state with resultUrl ${result.state.resultUrl}`);
      }
    }
  }
  return violations;
}

/** Every invariant of a run (1–5 and 8). */
export function checkRun(record: RunRecord, context: TimingContext, { allowUnsubscribed = false } = {}): string[] {
  return [
    ...checkEnds(record, context.timing, { allowUnsubscribed, ...(context.resumedFrom === undefined ? {} : { resumedFrom: context.resumedFrom }) }),
    ...checkNothingAfterEnd(record),
    ...checkStatusSequence(record),
    ...checkTiming(record, context),
    ...checkNothingLeft(record),
    ...checkRequestsStayHome(record),
  ];
}

// ---- 6. Resumption -------------------------------------------------------------------------

type NextEvent = Extract<RunEvent, { kind: "next" }>;
const nextsOf = (record: RunRecord) => record.events.filter((event): event is NextEvent => event.kind === "next");

/** What two runs must agree on, state by state (`pollCount` counts this stream's polls, so it is offset). */
function stateView(event: NextEvent, pollOffset: number) {
  const { state } = event;
  return {
    at: event.at,
    status: state.status,
    providerStatus: state.providerStatus,
    percentComplete: state.percentComplete,
    strategy: state.strategy,
    pollingUrl: state.pollingUrl,
    resultUrl: state.resultUrl,
    retryAfterInMs: state.retryAfterInMs,
    nextPollInMs: state.nextPollInMs,
    pollCount: state.pollCount - pollOffset,
    httpStatus: state.httpStatus,
    result: state.result,
    error: state.error,
    continuationToken: state.continuationToken,
  };
}

function endView(record: RunRecord) {
  const error = record.events.find((event) => event.kind === "error");
  const errorOf = error?.kind === "error" ? (error.error as Error) : undefined;
  // A timeout's message names its timeoutInMs, which a resumed stream gets shortened: compare the class.
  const message = errorOf instanceof LroTimeoutError ? "" : `: ${errorOf?.message}`;
  return { end: record.end, endAt: record.endAt, error: errorOf && `${errorOf.constructor.name}${message}` };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * 6. Resuming from state k's token, against the replies not yet consumed when k was emitted and on
 * a clock started when the original sent its next poll (deadline at the same virtual time),
 * replays the original from there: the same outcome (terminal status and result, or error class
 * and message), and in fact (`exact`) the same requests at the same times and the same states
 * after k. Not `exact`: the outcome only.
 */
export function checkResumedLikeOriginal(original: RunRecord, k: NextEvent, resumed: RunRecord, { exact = true } = {}): string[] {
  const violations: string[] = [];
  const originalAfter = nextsOf(original).filter((event) => original.events.indexOf(event) > original.events.indexOf(k));
  const resumedStates = nextsOf(resumed);
  const lastOf = (events: NextEvent[]) => events.at(-1)?.state;
  const [a, b] = [lastOf(originalAfter), lastOf(resumedStates)];
  const outcome = (record: RunRecord, last: LroState | undefined) => ({ ...endView(record), endAt: undefined, status: last?.status, result: last?.result });
  if (!same(outcome(original, a), outcome(resumed, b))) {
    violations.push(`6: outcome ${JSON.stringify(outcome(resumed, b))} after resuming, ${JSON.stringify(outcome(original, a))} originally`);
  }
  if (!exact) return violations;
  if (!same(endView(original), endView(resumed))) violations.push(`6: ended ${JSON.stringify(endView(resumed))}, originally ${JSON.stringify(endView(original))}`);
  const traffic = (requests: readonly ReceivedRequest[]) => requests.map((request) => `${request.method} ${request.url} @${request.at}`);
  const [sentBefore, sentAfter] = [traffic(original.requests.slice(k.requestsBefore, original.requestsAtEnd)), traffic(resumed.requests.slice(0, resumed.requestsAtEnd))];
  if (!same(sentBefore, sentAfter)) violations.push(`6: resumed traffic ${JSON.stringify(sentAfter)}, originally ${JSON.stringify(sentBefore)}`);
  const offset = k.state.pollCount;
  const [viewsBefore, viewsAfter] = [originalAfter.map((event) => stateView(event, offset)), resumedStates.map((event) => stateView(event, 0))];
  viewsBefore.forEach((view, index) => {
    if (!same(view, viewsAfter[index])) violations.push(`6: state ${index} after resuming is ${JSON.stringify(viewsAfter[index])}, originally ${JSON.stringify(view)}`);
  });
  if (viewsAfter.length > viewsBefore.length) violations.push(`6: ${viewsAfter.length} states after resuming, ${viewsBefore.length} originally`);
  return violations;
}
