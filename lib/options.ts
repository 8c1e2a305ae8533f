import type { HttpClient, Pipeline, PipelineRequestOptions } from "@azure/core-rest-pipeline";
import { asyncScheduler, type SchedulerLike } from "rxjs";
import { describeValue } from "./errors/describe-value.js";
import { parseHostEntry } from "./http/url-policy.js";
import type { FinalStateVia, LroStateBase } from "./state.js";

/** An `AbortSignal`, or any object shaped like one (core-rest-pipeline's `AbortSignalLike`). */
export type LroAbortSignal = NonNullable<PipelineRequestOptions["abortSignal"]>;

/** How polls and final GETs that fail transiently (network error, 408, 429, 5xx) are retried. */
export interface LroRetryOptions {
  /**
   * Retries of one poll before the stream errors with the continuation token. They come on top of
   * the pipeline's own retries, which have already run for 408/429/5xx.
   * @defaultValue 3
   */
  readonly maxRetries?: number;
  /** The first retry's delay when the response has no Retry-After; it doubles each time. @defaultValue 1000 */
  readonly retryDelayInMs?: number;
  /** The longest delay between two retries. @defaultValue 30000 */
  readonly maxRetryDelayInMs?: number;
}

/** What every rx-lro entry point and polling operator accepts. All optional. */
export interface LroOptions<TResult = unknown> {
  /**
   * The pipeline requests go through: pass the one your other Azure clients use, with its
   * authentication policy. Defaults to `createPipelineFromOptions({})` (retries, redirects,
   * user agent, request ids; no authentication), which core-rest-pipeline makes when the first
   * request that needs it is sent (bundlers put it in a chunk of its own).
   */
  readonly pipeline?: Pipeline;
  /**
   * The HTTP client the pipeline sends with; tests inject one. Defaults to
   * `createDefaultHttpClient()`, made when the first request that needs it is sent.
   */
  readonly httpClient?: HttpClient;
  /** The delay before a poll when the previous response had no Retry-After. @defaultValue 2000 */
  readonly intervalInMs?: number;
  /**
   * Spreads the fallback interval (never a server's Retry-After) by up to this fraction either
   * way, so that operations started together do not poll in lockstep: `0.2` turns 2000 ms into
   * 1800–2200 ms. @defaultValue 0
   */
  readonly intervalJitter?: number;
  /** Every delay, Retry-After included, is clamped to `[0, maxDelayInMs]`, so no timer can overflow. @defaultValue 600000 (10 minutes) */
  readonly maxDelayInMs?: number;
  /** How the final result is fetched, as the operation's Swagger `final-state-via` declares it. */
  readonly finalStateVia?: FinalStateVia;
  /** The overall deadline from subscription; past it the stream errors with `LroTimeoutError`. @defaultValue no deadline */
  readonly timeoutInMs?: number;
  /** How long one poll or final GET may take before it is aborted and retried. @defaultValue 60000 */
  readonly requestTimeoutInMs?: number;
  /** Retries of polls and final GETs that fail transiently. */
  readonly retry?: LroRetryOptions;
  /** The scheduler for every timer: a `TestScheduler` in tests, a zone-aware one in Angular. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Stops polling (the stream errors with `LroAbortedError`); the operation keeps running on the service. */
  readonly abortSignal?: LroAbortSignal;
  /** Maps the final body (after a successful operation) to the result the succeeded state carries. */
  readonly processResult?: (body: unknown, state: LroStateBase) => TResult;
  /**
   * Hosts the app vouches for, besides the initial request's: `host` (on the scheme's default
   * port), `host:port`, `*.suffix` (its subdomains) or `*.suffix:port`; IP addresses as URLs
   * write them (`127.0.0.1:3000`, `[::1]:3000`). Polling and result URLs may point to them; a URL
   * on any other host is refused with `LroUrlRejectedError` before anything is sent.
   *
   * A continuation token is untrusted input: an operation resumed from one (`resumeLro`, a hub's
   * `watch`) must have started on a built-in Azure cloud host over https (Resource Manager in
   * every cloud, Key Vault, Storage, Azure AI services, …) or on a host listed here. Anything
   * else, loopback included, must be listed.
   *
   * @example
   * ```ts
   * resumeLro(token, { pipeline, allowedHosts: ["127.0.0.1:3000", "*.status.contoso.com"] });
   * ```
   */
  readonly allowedHosts?: readonly string[];
}

/**
 * Options with every default filled in, but the pipeline and client: `undefined` stands for
 * core-rest-pipeline's defaults, which the first request that needs them loads (see
 * http/default-transport.ts). @internal
 */
export interface ResolvedLroOptions<TResult> {
  readonly pipeline: Pipeline | undefined;
  readonly httpClient: HttpClient | undefined;
  readonly intervalInMs: number;
  readonly intervalJitter: number;
  readonly maxDelayInMs: number;
  readonly finalStateVia: FinalStateVia | undefined;
  readonly timeoutInMs: number | undefined;
  readonly requestTimeoutInMs: number;
  readonly maxRetries: number;
  readonly retryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
  readonly scheduler: SchedulerLike;
  readonly abortSignal: LroAbortSignal | undefined;
  readonly processResult: ((body: unknown, state: LroStateBase) => TResult) | undefined;
  readonly allowedHosts: readonly string[];
  /** A hub's request gate, admitting polls to the client. */
  readonly gate?: { wrap(client: HttpClient): HttpClient };
}

/** @internal */
export const finalStateViaValues: readonly FinalStateVia[] = ["azure-async-operation", "location", "original-uri", "operation-location"];

function checkDuration(name: string, value: unknown, { positive = false } = {}): void {
  if (value === undefined) return;
  if (typeof value !== "number" || Number.isNaN(value) || value < 0 || (positive && value === 0)) {
    throw new TypeError(
      `Expected \`${name}\` to be a ${positive ? "positive" : "non-negative"} number of milliseconds, got ${String(value)} (${typeof value})`,
    );
  }
}

function checkCount(name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value >= 0)) {
    throw new TypeError(`Expected \`${name}\` to be a non-negative integer, got ${String(value)} (${typeof value})`);
  }
}

function checkAllowedHosts(value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    throw new TypeError(`Expected \`allowedHosts\` to be an array of host names, got ${describeValue(value)}`);
  }
  const bad = value.findIndex((entry: unknown) => typeof entry !== "string" || parseHostEntry(entry) === undefined);
  if (bad !== -1) {
    throw new TypeError(
      `Expected each \`allowedHosts\` entry to be \`host\`, \`host:port\` or \`*.suffix\` (no scheme or path; punycode for an international name), got ${describeValue(value[bad])}`,
    );
  }
}

/**
 * Checks options the moment they are given (so a mistake surfaces at the call site, not at the
 * first poll) and fills in the defaults.
 * @internal
 */
export function resolveOptions<TResult>(options: LroOptions<TResult>): ResolvedLroOptions<TResult> {
  checkDuration("intervalInMs", options.intervalInMs);
  checkDuration("maxDelayInMs", options.maxDelayInMs);
  if (options.intervalJitter !== undefined && !(typeof options.intervalJitter === "number" && options.intervalJitter >= 0 && options.intervalJitter <= 1)) {
    throw new TypeError(`Expected \`intervalJitter\` to be a fraction from 0 to 1, got ${String(options.intervalJitter)} (${typeof options.intervalJitter})`);
  }
  checkDuration("timeoutInMs", options.timeoutInMs, { positive: true });
  checkDuration("requestTimeoutInMs", options.requestTimeoutInMs, { positive: true });
  checkDuration("retry.retryDelayInMs", options.retry?.retryDelayInMs);
  checkDuration("retry.maxRetryDelayInMs", options.retry?.maxRetryDelayInMs);
  checkCount("retry.maxRetries", options.retry?.maxRetries);
  if (options.finalStateVia !== undefined && !finalStateViaValues.includes(options.finalStateVia)) {
    throw new TypeError(
      `Expected \`finalStateVia\` to be one of ${finalStateViaValues.map((value) => `"${value}"`).join(", ")}, got ${JSON.stringify(options.finalStateVia)}`,
    );
  }
  checkAllowedHosts(options.allowedHosts);
  if (options.processResult !== undefined && typeof options.processResult !== "function") {
    throw new TypeError(`Expected \`processResult\` to be a function, got ${typeof options.processResult}`);
  }
  const maxDelayInMs = Math.min(options.maxDelayInMs ?? 600_000, maxTimerDelayInMs);
  return {
    pipeline: options.pipeline,
    httpClient: options.httpClient,
    intervalInMs: Math.min(options.intervalInMs ?? 2000, maxDelayInMs),
    intervalJitter: options.intervalJitter ?? 0,
    maxDelayInMs,
    finalStateVia: options.finalStateVia,
    timeoutInMs: options.timeoutInMs === undefined ? undefined : Math.min(options.timeoutInMs, maxTimerDelayInMs),
    requestTimeoutInMs: Math.min(options.requestTimeoutInMs ?? 60_000, maxTimerDelayInMs),
    maxRetries: options.retry?.maxRetries ?? 3,
    retryDelayInMs: options.retry?.retryDelayInMs ?? 1000,
    maxRetryDelayInMs: Math.min(options.retry?.maxRetryDelayInMs ?? 30_000, maxDelayInMs),
    scheduler: options.scheduler ?? asyncScheduler,
    abortSignal: options.abortSignal,
    processResult: options.processResult,
    allowedHosts: options.allowedHosts ?? [],
  };
}

/** `setTimeout` fires at once for delays past 2^31 − 1 ms; nothing here may ask for more. */
export const maxTimerDelayInMs = 2 ** 31 - 1;

/** The fallback interval, spread by the jitter fraction. @internal */
export function fallbackInterval(options: Pick<ResolvedLroOptions<unknown>, "intervalInMs" | "intervalJitter" | "maxDelayInMs">): number {
  if (options.intervalJitter === 0) return options.intervalInMs;
  const spread = options.intervalInMs * options.intervalJitter * (2 * Math.random() - 1);
  return clampDelay(Math.round(options.intervalInMs + spread), options.maxDelayInMs);
}

/** Clamps a delay to `[0, maxDelayInMs]`; `NaN` counts as 0. @internal */
export function clampDelay(delayInMs: number, maxDelayInMs: number): number {
  return delayInMs > 0 ? Math.min(delayInMs, maxDelayInMs) : 0;
}

/** Layers options: the first one's own settings win over the second's. @internal */
export function mergeOptions<TResult>(own: LroOptions<TResult>, inherited: LroOptions<TResult>): LroOptions<TResult> {
  return {
    ...inherited,
    ...Object.fromEntries(Object.entries(own).filter(([, value]) => value !== undefined)),
    retry: { ...inherited.retry, ...own.retry },
  };
}
