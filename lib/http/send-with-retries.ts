import type { PipelineRequestOptions, PipelineResponse } from "@azure/core-rest-pipeline";
import { Observable, type Subscription } from "rxjs";
import { LroRequestError } from "../errors/lro-request-error.js";
import { clampDelay, type ResolvedLroOptions } from "../options.js";
import { logger } from "../logger.js";
import { parseRetryAfter } from "./retry-after.js";
import { send, type Transport } from "./send.js";

const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** A response whose status says "try again later". */
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
  const guard = { timeoutInMs: settings.requestTimeoutInMs, maxDelayInMs: settings.maxDelayInMs, scheduler: settings.scheduler };
  // One observable rather than defer + map + retry + catchError: it runs once per poll, and an
  // operator chain per poll was much of the engine's CPU and garbage.
  return new Observable<PipelineResponse>((subscriber) => {
    let retries = 0;
    let current: Subscription | undefined;
    const deliver = (response: PipelineResponse) => {
      subscriber.next(response);
      subscriber.complete();
    };
    const failed = (failure: unknown): void => {
      if (retries >= settings.maxRetries) {
        if (failure instanceof TransientResponse) deliver(failure.response);
        else subscriber.error(new LroRequestError(during(), failure));
        return;
      }
      retries++;
      const delayInMs = retryDelay(failure, retries, settings);
      const reason = failure instanceof TransientResponse ? `HTTP ${failure.response.status}` : String(failure);
      logger.warning(`retry ${retries}/${settings.maxRetries} ${during()} in ${delayInMs} ms after ${reason}`);
      current = settings.scheduler.schedule(attempt, delayInMs);
    };
    function attempt(): void {
      current = send(transport, request, guard).subscribe({
        next: (response) => (transientStatuses.has(response.status) ? failed(new TransientResponse(response)) : deliver(response)),
        error: failed,
      });
    }
    attempt();
    return () => current?.unsubscribe();
  });
}
