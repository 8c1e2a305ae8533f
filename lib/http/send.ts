import {
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineRequestOptions,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { Observable } from "rxjs";

/** Where requests go: a pipeline and the client it sends with. */
export interface Transport {
  readonly pipeline: Pipeline;
  readonly httpClient: HttpClient;
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
    transport.pipeline
      .sendRequest(transport.httpClient, createPipelineRequest({ ...request, abortSignal: controller.signal }))
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
