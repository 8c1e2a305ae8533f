import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { Subscription } from "rxjs";
import { LroRequestError } from "../errors/lro-request-error.js";
import { clampDelay, type ResolvedLroOptions } from "../options.js";
import { logger } from "../logger.js";
import { parseRetryAfter } from "./retry-after.js";
import { CurrentRequest, sendRequest, type Cancel, type RequestControllers, type RequestOptions, type Transport } from "./send.js";

const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** What retries are judged and timed by; also the guard (deadline, delay cap) of every attempt. */
export type RetrySettings = Pick<
  ResolvedLroOptions<unknown>,
  "scheduler" | "maxRetries" | "retryDelayInMs" | "maxRetryDelayInMs" | "maxDelayInMs" | "requestTimeoutInMs"
>;

function retryDelay(response: PipelineResponse | undefined, retryCount: number, settings: RetrySettings): number {
  const asked = response === undefined ? undefined : parseRetryAfter(response.headers, settings.scheduler.now());
  const backoff = Math.min(settings.retryDelayInMs * 2 ** (retryCount - 1), settings.maxRetryDelayInMs);
  return clampDelay(asked ?? backoff, settings.maxDelayInMs);
}

/**
 * Sends an idempotent GET (a poll or a final GET), retrying what fails transiently: no complete
 * answer within `requestTimeoutInMs`, a transport error, or 408/429/5xx (which the pipeline has
 * already retried on its own). Retries wait for the response's Retry-After, else an exponential
 * backoff. When retries run out, a transient response is reported as a response, for the caller
 * to judge, and a transport failure as an {@link LroRequestError}. `during` names the request in
 * messages; it is built only when one is needed. Callbacks run asynchronously, at most once.
 */
export function sendWithRetries(
  transport: Transport,
  controllers: RequestControllers,
  request: RequestOptions,
  settings: RetrySettings,
  during: () => string,
  onResponse: (response: PipelineResponse) => void,
  onError: (error: unknown) => void,
): Cancel {
  let retries = 0;
  const current = new CurrentRequest();
  let wait: Subscription | undefined;
  // A transient response carries the response; a transport failure carries none.
  const failed = (response: PipelineResponse | undefined, failure: unknown): void => {
    if (retries >= settings.maxRetries) {
      if (response !== undefined) onResponse(response);
      else onError(new LroRequestError(during(), failure));
      return;
    }
    retries++;
    const delayInMs = retryDelay(response, retries, settings);
    const reason = response !== undefined ? `HTTP ${response.status}` : String(failure);
    logger.warning(`retry ${retries}/${settings.maxRetries} ${during()} in ${delayInMs} ms after ${reason}`);
    wait = settings.scheduler.schedule(attempt, delayInMs);
  };
  function attempt(): void {
    wait = undefined;
    current.set(sendRequest(
      transport,
      request,
      settings,
      (response) => (transientStatuses.has(response.status) ? failed(response, undefined) : onResponse(response)),
      (error) => failed(undefined, error),
      controllers,
    ));
  }
  attempt();
  return () => {
    wait?.unsubscribe();
    current.cancel();
  };
}
