import type { HttpClient, Pipeline, PipelineRequestOptions, PipelineResponse } from "@azure/core-rest-pipeline";
import { Observable } from "rxjs";
import type { ResolvedLroOptions } from "../options.js";
import { RequestSequence } from "./request-sequence.js";

/**
 * Where requests go: a pipeline, the client it sends with, and the gate a hub puts before it.
 * A pipeline or client left `undefined` is core-rest-pipeline's default (see default-transport.ts).
 */
export interface Transport {
  readonly pipeline?: Pipeline | undefined;
  readonly httpClient?: HttpClient | undefined;
  /** Admits requests to the client (a hub's cap and pause); outside the guard, so waiting does not count. */
  readonly gate?: { wrap(client: HttpClient): HttpClient };
}

/** What a request is built from: everything but the abort signal, which rx-lro owns. */
export type RequestOptions = Omit<PipelineRequestOptions, "abortSignal">;

/**
 * What requests are guarded and retried by: the deadline of one exchange (none when
 * `requestTimeoutInMs` is undefined), the cap on the delays a response may ask for, and retries.
 */
export type RetrySettings = Pick<ResolvedLroOptions<unknown>, "scheduler" | "maxRetries" | "retryDelayInMs" | "maxRetryDelayInMs" | "maxDelayInMs"> & {
  readonly requestTimeoutInMs?: number;
};

/**
 * One request as a cold observable, sent once (never retried: an initial request need not be
 * idempotent) and with no deadline of rx-lro's own; unsubscribing aborts it. A transport failure
 * is an `LroRequestError` naming the request with `during`.
 */
export function send(
  transport: Transport,
  request: RequestOptions,
  settings: Pick<RetrySettings, "scheduler" | "maxDelayInMs">,
  during: () => string,
): Observable<PipelineResponse> {
  return new Observable<PipelineResponse>((subscriber) => {
    // Named one by one: the caller's settings may carry a requestTimeoutInMs, which is for polls.
    const { scheduler, maxDelayInMs } = settings;
    const sequence = new RequestSequence(transport, { scheduler, maxDelayInMs, maxRetries: 0, retryDelayInMs: 0, maxRetryDelayInMs: 0 });
    sequence.send(request, {
      onResponse: (response) => {
        subscriber.next(response);
        subscriber.complete();
      },
      onError: (error) => subscriber.error(error),
      during,
    });
    return () => sequence.cancel();
  });
}
