import {
  createEmptyPipeline,
  createHttpHeaders,
  type HttpClient,
  type HttpHeaders,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { SchedulerLike } from "rxjs";
import type { TestScheduler } from "rxjs/testing";
import { virtualScheduler } from "./virtual-time.js";

/** One scripted answer. `body` objects are sent as JSON, strings as they are. */
export interface FakeReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /** Answer only after this many (virtual) ms. */
  readonly delayInMs?: number;
  /** Never answer: the request stays in flight until it is aborted. */
  readonly hang?: boolean;
  /** Fail like a dropped connection instead of answering. */
  readonly networkError?: string;
}

/** A request the fake received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  /** Virtual time of arrival. */
  readonly at: number;
  readonly headers: HttpHeaders;
  readonly allowInsecureConnection: boolean;
  /** The request's `timeout` (0: none). */
  readonly timeout: number;
  /** Whether the request was aborted (checked now). */
  readonly aborted: () => boolean;
}

/**
 * A scripted service behind an injected `HttpClient`: routes are `"METHOD url"`, each answering
 * its replies in order and repeating the last one. An unknown route answers 404.
 */
export class FakeService implements HttpClient {
  readonly requests: ReceivedRequest[] = [];
  readonly pipeline = createEmptyPipeline();
  readonly #routes = new Map<string, FakeReply[]>();
  /** Requests being answered now, and the most there ever were at once. */
  inFlight = 0;
  maxInFlight = 0;

  constructor(readonly scheduler: SchedulerLike) {}

  on(method: string, url: string, ...replies: FakeReply[]): this {
    this.#routes.set(`${method} ${url}`, [...replies]);
    return this;
  }

  /** Options that route a stream's traffic here, on the fake's scheduler. */
  get options() {
    return { httpClient: this as HttpClient, pipeline: this.pipeline, scheduler: this.scheduler };
  }

  /** `"METHOD url @time"` for every request received, for compact assertions. */
  get log(): string[] {
    return this.requests.map((request) => `${request.method} ${request.url} @${request.at}`);
  }

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const signal = request.abortSignal;
    this.requests.push({
      method: request.method,
      url: request.url,
      at: this.scheduler.now(),
      headers: request.headers,
      allowInsecureConnection: request.allowInsecureConnection === true,
      timeout: request.timeout,
      aborted: () => signal?.aborted === true,
    });
    const queue = this.#routes.get(`${request.method} ${request.url}`);
    const reply: FakeReply = queue === undefined ? { status: 404, body: { error: { code: "NotFound", message: "no route" } } } : queue.length > 1 ? queue.shift()! : queue[0]!;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = new Promise<PipelineResponse>((resolve, reject) => {
      const abortError = () => Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
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
        const body = reply.body === undefined ? undefined : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
        resolve({
          request,
          status: reply.status,
          headers: createHttpHeaders({
            ...(body !== undefined && typeof reply.body !== "string" ? { "content-type": "application/json" } : {}),
            ...reply.headers,
          }),
          bodyAsText: body,
        });
      };
      if (reply.delayInMs === undefined) queueMicrotask(answer);
      else this.scheduler.schedule(answer, reply.delayInMs);
    });
    const settled = () => {
      this.inFlight--;
    };
    done.then(settled, settled);
    return done;
  }
}

/** A fake service on a fresh virtual-time scheduler: what the unit specs start from. */
export function virtualService(): { scheduler: TestScheduler; service: FakeService } {
  const scheduler = virtualScheduler();
  return { scheduler, service: new FakeService(scheduler) };
}
