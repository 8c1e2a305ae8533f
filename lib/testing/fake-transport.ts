import {
  createEmptyPipeline,
  createHttpHeaders,
  type HttpClient,
  type HttpHeaders,
  type Pipeline,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { SchedulerLike } from "rxjs";

/** One scripted HTTP answer. A `body` object is sent as JSON (with `content-type: application/json`), a string as it is. */
export interface FakeReply {
  /** The HTTP status code. */
  readonly status: number;
  /** Response headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body: an object or array is sent as JSON, a string as it is; none when omitted. */
  readonly body?: unknown;
  /** Answer only after this many milliseconds on the service's scheduler (virtual ones on a `TestScheduler`). */
  readonly delayInMs?: number;
  /** Never answer: the request stays in flight until it is aborted (or its `timeout` passes). */
  readonly hang?: boolean;
  /** Fail like a dropped connection (a `RestError` with code `REQUEST_SEND_ERROR` and this message) instead of answering. */
  readonly networkError?: string;
}

/** A request the fake service received, in arrival order. */
export interface FakeRequest {
  /** The HTTP method, as sent (`"PUT"`, `"GET"`, …). */
  readonly method: string;
  /** The full URL, query included. */
  readonly url: string;
  /** When it arrived, by the service's scheduler (`scheduler.now()`: virtual milliseconds on a `TestScheduler`). */
  readonly at: number;
  /** The request's headers, as the pipeline sent them. */
  readonly headers: HttpHeaders;
  /** The request body when it was a string (`json` requests are sent as one), else `undefined`. */
  readonly body: string | undefined;
  /** Whether the request allowed plain http. */
  readonly allowInsecureConnection: boolean;
  /** The request's own `timeout` in milliseconds (0: none). */
  readonly timeout: number;
  /** Whether the request has been aborted, checked when called (unsubscribing aborts the request in flight). */
  readonly aborted: () => boolean;
}

/** Answers one request; called once per request that reaches its route. */
export type FakeResponder = (request: PipelineRequest) => FakeReply;

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
}

/** A route key that ignores spelling differences a URL parser removes (`HTTPS://Host` and `https://host/`). */
export function routeKey(method: string, url: string): string {
  let normalized = url;
  try {
    normalized = new URL(url).href;
  } catch {
    // Not a URL: matched as written.
  }
  return `${method.toUpperCase()} ${normalized}`;
}

/**
 * The HTTP side of the fake service: a core-rest-pipeline `HttpClient` that answers from routes
 * (`METHOD url`, or a method and a `RegExp` over the URL), records every request, honours abort
 * signals and request timeouts, and keeps its delays on the given scheduler. A request no route
 * answers gets a 404 with an ARM error body. @internal
 */
export class FakeTransport implements HttpClient {
  readonly #requests: FakeRequest[] = [];
  readonly #routes = new Map<string, FakeResponder>();
  readonly #patterns: { method: string; url: RegExp; responder: FakeResponder }[] = [];
  #inFlight = 0;
  #maxInFlight = 0;
  /** An empty pipeline (no retry, redirect or authentication policy) that sends with this client. */
  readonly pipeline: Pipeline = createEmptyPipeline();

  constructor(
    readonly scheduler: SchedulerLike,
    /** Delay of every answer that gives no `delayInMs` of its own; 0 answers on the next microtask. */
    private readonly latencyInMs = 0,
  ) {}

  /** Every request received so far, oldest first. */
  get requests(): readonly FakeRequest[] {
    return this.#requests;
  }

  /** Requests being answered now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** The most requests that were ever in flight at once. */
  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  /** Routes `method` and `url` (exactly, or every URL a `RegExp` matches) to a responder; a later route for the same key replaces it. */
  route(method: string, url: string | RegExp, responder: FakeResponder): void {
    if (typeof url === "string") {
      this.#routes.set(routeKey(method, url), responder);
    } else {
      this.#patterns.unshift({ method: method.toUpperCase(), url, responder });
    }
  }

  #responderFor(request: PipelineRequest): FakeResponder | undefined {
    const exact = this.#routes.get(routeKey(request.method, request.url));
    if (exact !== undefined) return exact;
    const method = request.method.toUpperCase();
    return this.#patterns.find((pattern) => pattern.method === method && pattern.url.test(request.url))?.responder;
  }

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const signal = request.abortSignal;
    this.#requests.push({
      method: request.method,
      url: request.url,
      at: this.scheduler.now(),
      headers: request.headers,
      body: typeof request.body === "string" ? request.body : undefined,
      allowInsecureConnection: request.allowInsecureConnection === true,
      timeout: request.timeout,
      aborted: () => signal?.aborted === true,
    });
    const responder = this.#responderFor(request);
    let reply: FakeReply;
    try {
      reply = responder === undefined ? notFound(request) : responder(request);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.#inFlight++;
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
    const done = new Promise<PipelineResponse>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      // Like core-rest-pipeline's clients: `timeout` aborts an exchange that takes longer.
      const deadline = request.timeout > 0 ? this.scheduler.schedule(() => reject(abortError()), request.timeout) : undefined;
      const abort = () => {
        deadline?.unsubscribe();
        reject(abortError());
      };
      signal?.addEventListener("abort", abort);
      if (reply.hang) return;
      const answer = () => {
        deadline?.unsubscribe();
        signal?.removeEventListener("abort", abort);
        if (reply.networkError !== undefined) {
          reject(Object.assign(new Error(reply.networkError), { name: "RestError", code: "REQUEST_SEND_ERROR" }));
          return;
        }
        resolve(toResponse(request, reply));
      };
      const delay = reply.delayInMs ?? this.latencyInMs;
      if (delay > 0) this.scheduler.schedule(answer, delay);
      else queueMicrotask(answer);
    });
    const settled = () => {
      this.#inFlight--;
    };
    done.then(settled, settled);
    return done;
  }
}

function notFound(request: PipelineRequest): FakeReply {
  return {
    status: 404,
    headers: { "x-ms-error-code": "NotFound" },
    body: { error: { code: "NotFound", message: `The fake service has no route for ${request.method} ${request.url}.` } },
  };
}

function toResponse(request: PipelineRequest, reply: FakeReply): PipelineResponse {
  const text = reply.body === undefined ? undefined : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  return {
    request,
    status: reply.status,
    headers: createHttpHeaders({
      ...(text !== undefined && typeof reply.body !== "string" ? { "content-type": "application/json; charset=utf-8" } : {}),
      ...reply.headers,
    }),
    bodyAsText: text,
  };
}

/** A responder that answers `replies` in order and then repeats the last one. */
export function inOrder(replies: readonly FakeReply[]): FakeResponder {
  const queue = [...replies];
  return () => (queue.length > 1 ? queue.shift()! : queue[0]!);
}
