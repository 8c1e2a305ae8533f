import { HttpErrorResponse, type HttpClient as AngularHttpClient, HttpHeaders as AngularHttpHeaders } from "@angular/common/http";
import type { NgZone } from "@angular/core";
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Subscription } from "rxjs";
import { createHttpHeaders } from "../http/http-headers.js";

type AngularBody = string | ArrayBuffer | ArrayBufferView | Blob | FormData | URLSearchParams | null;

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
}

/**
 * A failure without a response as core-rest-pipeline's clients report one: named `RestError`,
 * code `REQUEST_SEND_ERROR`, which its `isRestError` and retry policy go by. Not an instance of
 * its `RestError` class: importing anything from its index brings its default pipeline and
 * client (~31 KB minified) into every Angular app's bundle.
 */
function requestSendError(message: string, request: PipelineRequest): Error {
  const error = Object.assign(new Error(message), { name: "RestError", code: "REQUEST_SEND_ERROR" });
  // Not enumerable, as on RestError: its headers may carry a credential.
  Object.defineProperty(error, "request", { value: request, enumerable: false });
  return error;
}

/** What core-rest-pipeline's request body can be, as Angular's HttpClient sends it. */
function bodyOf(request: PipelineRequest): AngularBody {
  const { body } = request;
  if (body === undefined || body === null) return null;
  if (
    typeof body === "string" ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== "undefined" && body instanceof Blob) ||
    (typeof FormData !== "undefined" && body instanceof FormData)
  ) {
    return body as AngularBody;
  }
  if (request.formData !== undefined) throw new TypeError("Expected a request body Angular's HttpClient can send, got `formData`: build a FormData body instead");
  throw new TypeError(`Expected a request body Angular's HttpClient can send (string, ArrayBuffer, Blob or FormData), got ${typeof body}`);
}

function headersOf(request: PipelineRequest): AngularHttpHeaders {
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers) headers[name] = value;
  return new AngularHttpHeaders(headers);
}

function toPipelineResponse(request: PipelineRequest, status: number, headers: AngularHttpHeaders, body: unknown): PipelineResponse {
  const raw: Record<string, string> = {};
  // Angular keeps each header's values apart; HTTP joins repeated headers with ", ".
  for (const name of headers.keys()) raw[name] = (headers.getAll(name) ?? []).join(", ");
  return {
    request,
    status,
    headers: createHttpHeaders(raw),
    bodyAsText: typeof body === "string" ? body : body === null || body === undefined ? "" : JSON.stringify(body),
  };
}

/**
 * A core-rest-pipeline `HttpClient` that sends through Angular's `HttpClient`, and so through the
 * app's interceptors (MSAL's `MsalInterceptor`, retry, logging) and whatever backend it is
 * configured with (`withFetch()`, or `HttpTestingController` in unit tests). It behaves like
 * core-rest-pipeline's own clients: every HTTP status is a response (headers and body text as
 * they came), a failure without a response (network, CORS) is an error named `RestError` with
 * code `REQUEST_SEND_ERROR` (core-rest-pipeline's `isRestError` recognises it), an error an
 * interceptor raises is passed on as it is, and aborting the request's `abortSignal`
 * unsubscribes from Angular's request (which cancels the XHR or fetch).
 * Requests are subscribed outside the Angular zone when a zone is given.
 *
 * `provideRxLro()` uses this by default; call it yourself to hand rx-lro's free functions
 * (`beginLro`, `resumeLro`) the app's HttpClient.
 *
 * @param http Angular's `HttpClient`, from `inject(HttpClient)`.
 * @param zone The app's `NgZone`: requests are sent outside it, so they do not hold change detection or stability.
 *
 * @example
 * ```ts
 * import { HttpClient as AngularHttpClient } from "@angular/common/http";
 * import { inject, NgZone } from "@angular/core";
 * import { createEmptyPipeline } from "@azure/core-rest-pipeline";
 * import { beginLro } from "rx-lro";
 * import { fromAngularHttpClient } from "rx-lro/angular";
 *
 * const httpClient = fromAngularHttpClient(inject(AngularHttpClient), inject(NgZone));
 * beginLro({ url, method: "PUT", json: widget }, { pipeline: createEmptyPipeline(), httpClient }).subscribe(render);
 * ```
 */
export function fromAngularHttpClient(http: AngularHttpClient, zone?: NgZone): HttpClient {
  if (http === null || typeof http !== "object" || typeof (http as { request?: unknown }).request !== "function") {
    throw new TypeError(`Expected \`http\` to be Angular's HttpClient, got ${http === null ? "null" : typeof http}`);
  }
  const outside = <R>(fn: () => R): R => (zone === undefined ? fn() : zone.runOutsideAngular(fn));
  return {
    sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      return new Promise<PipelineResponse>((resolve, reject) => {
        const signal = request.abortSignal;
        if (signal?.aborted) {
          reject(abortError());
          return;
        }
        let subscription: Subscription | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let settled = false;
        const settle = (): boolean => {
          if (settled) return false;
          settled = true;
          signal?.removeEventListener("abort", onAbort);
          if (timer !== undefined) clearTimeout(timer);
          return true;
        };
        const cancel = (error: Error) => {
          if (!settle()) return;
          subscription?.unsubscribe();
          reject(error);
        };
        const onAbort = () => cancel(abortError());
        signal?.addEventListener("abort", onAbort);
        let body: AngularBody;
        try {
          body = bodyOf(request);
        } catch (error) {
          settle();
          reject(error);
          return;
        }
        outside(() => {
          if (request.timeout > 0) {
            timer = setTimeout(
              () => cancel(Object.assign(new Error(`No response within ${request.timeout} ms`), { name: "TimeoutError" })),
              request.timeout,
            );
          }
          subscription = http
            .request(request.method, request.url, {
              body,
              headers: headersOf(request),
              observe: "response",
              responseType: "text",
              withCredentials: request.withCredentials,
            })
            .subscribe({
              next: (response) => {
                if (settle()) resolve(toPipelineResponse(request, response.status, response.headers, response.body));
              },
              error: (error: unknown) => {
                if (!settle()) return;
                if (error instanceof HttpErrorResponse && error.status !== 0) {
                  resolve(toPipelineResponse(request, error.status, error.headers, error.error));
                } else if (error instanceof HttpErrorResponse) {
                  // No URL in the message: it may carry a signature in its query.
                  reject(requestSendError("The request got no response (a network failure, a CORS refusal, or the browser cancelled it)", request));
                } else {
                  reject(error);
                }
              },
            });
        });
      });
    },
  };
}
