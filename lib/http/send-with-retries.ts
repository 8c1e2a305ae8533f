import type { PipelineRequestOptions, PipelineResponse } from "@azure/core-rest-pipeline";
import { catchError, defer, map, type Observable, of, retry, throwError, timer } from "rxjs";
import { LroRequestError } from "../errors/lro-request-error.js";
import { clampDelay, type ResolvedLroOptions } from "../options.js";
import { logger } from "../logger.js";
import { parseRetryAfter } from "./retry-after.js";
import { guardedTransport, send, type Transport } from "./send.js";

const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** A response whose status says "try again later"; thrown only to drive `retry`. */
class TransientResponse {
  constructor(readonly response: PipelineResponse) {}
}

type RetrySettings = Pick<
  ResolvedLroOptions<unknown>,
  "scheduler" | "maxRetries" | "retryDelayInMs" | "maxRetryDelayInMs" | "maxDelayInMs" | "requestTimeoutInMs"
>;

function retryDelay(failure: unknown, retryCount: number, settings: RetrySettings): number {
  const asked =
    failure instanceof TransientResponse ? parseRetryAfter(failure.response.headers, settings.scheduler.now()) : undefined;
  const backoff = Math.min(settings.retryDelayInMs * 2 ** (retryCount - 1), settings.maxRetryDelayInMs);
  return clampDelay(asked ?? backoff, settings.maxDelayInMs);
}

/**
 * Sends an idempotent GET (a poll or a final GET), retrying what fails transiently: no complete
 * answer within `requestTimeoutInMs`, a transport error, or 408/429/5xx (which the pipeline has already
 * retried on its own). Retries wait for the response's Retry-After, else an exponential backoff.
 * When retries run out, a transient response is emitted for the caller to judge, and a transport
 * failure becomes an {@link LroRequestError}. `during` names the request in messages; it is built
 * only when one is needed.
 */
export function sendWithRetries(
  transport: Transport,
  request: Omit<PipelineRequestOptions, "abortSignal">,
  settings: RetrySettings,
  during: () => string,
): Observable<PipelineResponse> {
  const guarded = guardedTransport(transport, {
    timeoutInMs: settings.requestTimeoutInMs,
    maxDelayInMs: settings.maxDelayInMs,
    scheduler: settings.scheduler,
  });
  return defer(() => send(guarded, request)).pipe(
    map((response) => {
      if (transientStatuses.has(response.status)) throw new TransientResponse(response);
      return response;
    }),
    retry({
      count: settings.maxRetries,
      delay: (failure: unknown, retryCount) => {
        const delayInMs = retryDelay(failure, retryCount, settings);
        const reason = failure instanceof TransientResponse ? `HTTP ${failure.response.status}` : String(failure);
        logger.warning(`retry ${retryCount}/${settings.maxRetries} ${during()} in ${delayInMs} ms after ${reason}`);
        return timer(delayInMs, settings.scheduler);
      },
    }),
    catchError((failure: unknown) =>
      failure instanceof TransientResponse
        ? of(failure.response)
        : throwError(() => new LroRequestError(during(), failure)),
    ),
  );
}
