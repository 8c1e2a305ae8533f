/**
 * The timing rules of the README, written down independently of `lib/` so that the properties
 * can check the library against them.
 */
import type { HttpHeaders } from "@azure/core-rest-pipeline";

/** The timing options a run is given (what `beginLro`/`resumeLro` receive). */
export interface Timing {
  readonly intervalInMs: number;
  readonly maxDelayInMs: number;
  readonly timeoutInMs: number;
  readonly requestTimeoutInMs: number;
  readonly maxRetries: number;
  readonly retryDelayInMs: number;
}

/** The README's default: `retry.maxRetryDelayInMs` (30 s), itself clamped by `maxDelayInMs`. */
const defaultMaxRetryDelayInMs = 30_000;

/** Statuses a poll or final GET retries (README: "transient": network error, timeout, 408, 429, 5xx). */
export const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

const decimal = /^\d+(?:\.\d+)?$/;
// The three HTTP-date forms of RFC 9110 §5.6.7.
const httpDate = [
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+day, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

function milliseconds(value: string | undefined): number | undefined {
  const text = value?.trim();
  return text !== undefined && decimal.test(text) ? Number(text) : undefined;
}

function secondsOrDate(value: string | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (text === undefined) return undefined;
  if (decimal.test(text)) return Number(text) * 1000;
  if (!httpDate.some((form) => form.test(text))) return undefined;
  const date = Date.parse(text.endsWith("GMT") ? text : `${text} GMT`);
  return Number.isNaN(date) ? undefined : date - now; // a past date: negative, clamped to 0 below
}

/** Clamps a delay to `[0, maxDelayInMs]`. */
export function clamp(delayInMs: number, maxDelayInMs: number): number {
  return delayInMs > 0 ? Math.min(delayInMs, maxDelayInMs) : 0;
}

/**
 * What the response asks for, in ms, clamped, or `undefined` when it asks nothing valid:
 * `retry-after-ms`, else `x-ms-retry-after-ms`, else `Retry-After` (seconds, decimals allowed, or an
 * HTTP-date relative to `now`); negative, repeated or garbage values count as absent.
 */
export function askedDelay(headers: HttpHeaders, now: number, maxDelayInMs: number): number | undefined {
  const asked =
    milliseconds(headers.get("retry-after-ms")) ??
    milliseconds(headers.get("x-ms-retry-after-ms")) ??
    secondsOrDate(headers.get("retry-after"), now);
  return asked === undefined ? undefined : clamp(asked, maxDelayInMs);
}

/**
 * The delays before the polls that follow a stream's states, in order: each state's response's
 * Retry-After (read when the state was emitted), else `intervalInMs` (itself clamped). "Now"
 * (a delay that comes to 0: Retry-After 0, or an interval of 0) is honoured once; when the n-th
 * state in a row (n ≥ 2) is due at once, the poll waits min(max(intervalInMs, 10 ms), 10 ms ·
 * 2^(n−2)) instead (README: "polls spaced 10 ms, 20 ms, … up to intervalInMs, never a tight
 * loop"). The streak starts afresh with each stream (a resumed one too).
 */
export function pollDelays(states: ReadonlyArray<{ headers: HttpHeaders | undefined; at: number }>, timing: Timing): Array<number | undefined> {
  const interval = Math.min(timing.intervalInMs, timing.maxDelayInMs);
  let streak = 0;
  return states.map(({ headers, at }) => {
    const asked = headers === undefined ? undefined : askedDelay(headers, at, timing.maxDelayInMs);
    streak = (asked ?? interval) === 0 ? streak + 1 : 0;
    if (headers === undefined) return undefined;
    return streak >= 2 ? Math.min(Math.max(interval, 10), 10 * 2 ** (streak - 2)) : (asked ?? interval);
  });
}

/**
 * The delay before the k-th retry (k ≥ 1) of a request that failed transiently at `now`: the
 * failed response's Retry-After, else `retryDelayInMs · 2^(k−1)` up to `maxRetryDelayInMs`; clamped.
 */
export function retryDelay(failedHeaders: HttpHeaders | undefined, k: number, now: number, timing: Timing): number {
  const asked = failedHeaders === undefined ? undefined : askedDelay(failedHeaders, now, timing.maxDelayInMs);
  const maxRetryDelay = Math.min(defaultMaxRetryDelayInMs, timing.maxDelayInMs);
  return asked ?? clamp(Math.min(timing.retryDelayInMs * 2 ** (k - 1), maxRetryDelay), timing.maxDelayInMs);
}
