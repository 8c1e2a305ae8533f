/**
 * What a core-lro user writes to send requests: a `RunningOperation` over a core-rest-pipeline
 * `Pipeline` + `HttpClient`, converting each `PipelineResponse` into core-lro's
 * `{ flatResponse, rawResponse }` the way generated clients do (`getLroResponse` in the
 * TypeSpec/RLC `pollingHelpers.ts`; core-client's `sendOperationFn` in AutoRest ARM clients):
 * the parsed JSON body, headers as a lower-cased record (`HttpHeaders.toJSON()`), the status code,
 * and the request's method and URL. Status ≥ 400 throws a `RestError`, as a generated client's
 * status check does. This adapter is leaner than either generated path (no model
 * (de)serialisation, no `@azure-rest/core-client` URL building), which favours core-lro.
 * @module
 */
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type HttpMethods,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import type { OperationResponse, RunningOperation } from "@azure/core-lro";

export interface CoreLroTransport {
  readonly pipeline: Pipeline;
  readonly httpClient: HttpClient;
}

export interface CoreLroRequest {
  readonly url: string;
  readonly method: HttpMethods;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Needed for http:// URLs (the loopback server); set on the initial request and every poll. */
  readonly allowInsecureConnection?: boolean;
}

type AbortSignalLike = NonNullable<Parameters<RunningOperation["sendPollRequest"]>[1]>["abortSignal"];

export function coreLroOperation(transport: CoreLroTransport, initial: CoreLroRequest): RunningOperation<unknown> {
  const { pipeline, httpClient } = transport;
  const allowInsecureConnection = initial.allowInsecureConnection === true;

  async function send(url: string, method: HttpMethods, json: unknown, abortSignal: AbortSignalLike): Promise<OperationResponse<unknown>> {
    const headers = createHttpHeaders({ accept: "application/json" });
    if (json !== undefined) headers.set("content-type", "application/json");
    // One literal, no conditional spreads: V8 (Node 20) is slow to build and read objects made that way.
    const request = createPipelineRequest({
      url,
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      abortSignal,
      allowInsecureConnection,
    });
    const response = await pipeline.sendRequest(httpClient, request);
    const text = response.bodyAsText;
    const body: unknown = text === undefined || text === null || text === "" ? undefined : JSON.parse(text);
    if (response.status >= 400) {
      throw new RestError(`Unexpected status code: ${response.status}`, { statusCode: response.status, request, response });
    }
    return {
      flatResponse: body,
      rawResponse: { statusCode: response.status, request: { method, url }, headers: response.headers.toJSON(), body },
    };
  }

  return {
    sendInitialRequest: () => send(initial.url, initial.method, initial.json, undefined),
    sendPollRequest: (path, options) => send(path, "GET", undefined, options?.abortSignal),
  };
}
