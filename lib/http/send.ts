import {
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineRequestOptions,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { Observable } from "rxjs";
import { guardedHttpClient, type ClientGuard } from "./guarded-client.js";

/** Where requests go: a pipeline, the client it sends with, and the gate a hub puts before it. */
export interface Transport {
  readonly pipeline: Pipeline;
  readonly httpClient: HttpClient;
  /** Admits requests to the client (a hub's cap and pause); outside the guard, so waiting does not count. */
  readonly gate?: { wrap(client: HttpClient): HttpClient };
}

/** The transport rx-lro sends through: the client guarded (see {@link guardedHttpClient}), then gated. */
export function guardedTransport(transport: Transport, guard: ClientGuard): Transport {
  const guarded = guardedHttpClient(transport.httpClient, guard);
  return { pipeline: transport.pipeline, httpClient: transport.gate === undefined ? guarded : transport.gate.wrap(guarded) };
}

/**
 * Sends one request per subscription through the pipeline, as a cold observable that emits the
 * response and completes. Unsubscribing before the response aborts the request: the transport
 * drops the connection, and its late rejection goes nowhere.
 */
export function send(transport: Transport, request: Omit<PipelineRequestOptions, "abortSignal">): Observable<PipelineResponse> {
  return new Observable<PipelineResponse>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    // Not createPipelineRequest({ ...request, abortSignal }): V8 (Node 20) builds a literal that
    // spreads and then adds properties ~20× slower, and the request is slower to read afterwards.
    const pipelineRequest = createPipelineRequest(request);
    pipelineRequest.abortSignal = controller.signal;
    transport.pipeline
      .sendRequest(transport.httpClient, pipelineRequest)
      .then(
        (response) => {
          settled = true;
          subscriber.next(response);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          subscriber.error(error);
        },
      );
    return () => {
      if (!settled) controller.abort();
    };
  });
}
