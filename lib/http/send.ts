import {
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineRequestOptions,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { Observable } from "rxjs";
import { guardClient, timeoutError, type ClientGuard } from "./guarded-client.js";

/** Where requests go: a pipeline, the client it sends with, and the gate a hub puts before it. */
export interface Transport {
  readonly pipeline: Pipeline;
  readonly httpClient: HttpClient;
  /** Admits requests to the client (a hub's cap and pause); outside the guard, so waiting does not count. */
  readonly gate?: { wrap(client: HttpClient): HttpClient };
}

/**
 * Sends one request per subscription through the pipeline, as a cold observable that emits the
 * response and completes. Unsubscribing before the response aborts the request: the transport
 * drops the connection, and its late rejection goes nowhere. The client is guarded (see
 * {@link guardClient}): past `guard.timeoutInMs` the request is aborted and fails with a
 * `TimeoutError`.
 */
export function send(
  transport: Transport,
  request: Omit<PipelineRequestOptions, "abortSignal">,
  guard: ClientGuard,
): Observable<PipelineResponse> {
  return new Observable<PipelineResponse>((subscriber) => {
    // One controller serves both the unsubscribe and the deadline: Node's are costly to create.
    const controller = new AbortController();
    const guarded = guardClient(transport.httpClient, guard, () => controller.abort());
    let settled = false;
    // Not createPipelineRequest({ ...request, abortSignal }): V8 (Node 20) builds a literal that
    // spreads and then adds properties ~20× slower, and the request is slower to read afterwards.
    const pipelineRequest = createPipelineRequest(request);
    pipelineRequest.abortSignal = controller.signal;
    const client = transport.gate === undefined ? guarded.client : transport.gate.wrap(guarded.client);
    const settle = () => {
      settled = true;
      // The response keeps its request (in every state's rawResponse); a finished request's
      // abort signal would only keep its controller and listeners alive with it.
      pipelineRequest.abortSignal = undefined;
    };
    transport.pipeline.sendRequest(client, pipelineRequest).then(
      (response) => {
        settle();
        subscriber.next(response);
        subscriber.complete();
      },
      (error: unknown) => {
        settle();
        subscriber.error(guarded.timedOut() && guard.timeoutInMs !== undefined ? timeoutError(guard.timeoutInMs) : error);
      },
    );
    return () => {
      guarded.dispose();
      if (!settled) controller.abort();
    };
  });
}
