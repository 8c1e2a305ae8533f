/**
 * An Azure Resource Manager provider answered from memory: a core-rest-pipeline `HttpClient`
 * whose `sendRequest` resolves at once, with no network and no timers. Both libraries send
 * through the same instance, so they read byte-identical responses.
 *
 * Every operation is a PUT of a widget, answered ARM's Azure-AsyncOperation way:
 * - `PUT …/widgets/w{i}` → 201, `Azure-AsyncOperation: …/operationStatuses/op{i}`, the widget with `provisioningState: Accepted`;
 * - `GET …/operationStatuses/op{i}` → 200 `{ status: "InProgress", percentComplete }` (with
 *   `Retry-After` when configured) for the first `inProgressPolls` polls, then `{ status: "Succeeded" }`;
 * - `GET …/widgets/w{i}` → 200, the widget with `provisioningState: Succeeded` (the final GET).
 * @module
 */
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";

export interface InMemoryArmOptions {
  /** Operations addressable (indices 0 … operations − 1). */
  readonly operations: number;
  /** Polls answered `InProgress` before `Succeeded`; `Infinity` keeps every operation running. */
  readonly inProgressPolls: number;
  /** A `Retry-After` value sent on every `InProgress` answer; none by default. */
  readonly retryAfter?: string;
}

const host = "https://management.azure.com";
const apiVersion = "?api-version=2024-01-01";
const resourcePrefix = `${host}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/bench-rg/providers/Microsoft.Demo/widgets/w`;
const statusPrefix = `${host}/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Demo/locations/westeurope/operationStatuses/op`;

function widgetBody(index: number, provisioningState: string): string {
  return (
    `{"id":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/bench-rg/providers/Microsoft.Demo/widgets/w${index}",` +
    `"name":"w${index}","type":"Microsoft.Demo/widgets","location":"westeurope","properties":{"size":3,"provisioningState":"${provisioningState}"}}`
  );
}

function indexOf(url: string, prefix: string): number {
  const end = url.indexOf("?", prefix.length);
  return Number(url.slice(prefix.length, end === -1 ? undefined : end));
}

export class InMemoryArm implements HttpClient {
  /** Polls received per operation. */
  readonly #polls: Uint32Array;
  readonly #options: InMemoryArmOptions;
  /** Requests answered, by kind. */
  readonly counts = { initial: 0, polls: 0, finalGets: 0, other: 0 };

  constructor(options: InMemoryArmOptions) {
    this.#options = options;
    this.#polls = new Uint32Array(options.operations);
  }

  /** The URL of widget `index` (what the initial PUT and the final GET address). */
  resourceUrl(index: number): string {
    return `${resourcePrefix}${index}${apiVersion}`;
  }

  /** Forgets the poll counts and totals, so the same indices can run again. */
  reset(): void {
    this.#polls.fill(0);
    this.counts.initial = this.counts.polls = this.counts.finalGets = this.counts.other = 0;
  }

  /** Operations that have been polled at least `n` times. */
  polledAtLeast(n: number): number {
    let count = 0;
    for (const polls of this.#polls) if (polls >= n) count++;
    return count;
  }

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const { url, method } = request;
    if (method === "PUT" && url.startsWith(resourcePrefix)) {
      const index = indexOf(url, resourcePrefix);
      this.counts.initial++;
      return this.#reply(request, 201, widgetBody(index, "Accepted"), "azure-asyncoperation", `${statusPrefix}${index}${apiVersion}`);
    }
    if (method === "GET" && url.startsWith(statusPrefix)) {
      const index = indexOf(url, statusPrefix);
      const polls = ++this.#polls[index]!;
      this.counts.polls++;
      const running = polls <= this.#options.inProgressPolls;
      const body = running
        ? `{"id":"/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Demo/locations/westeurope/operationStatuses/op${index}","name":"op${index}","status":"InProgress","percentComplete":${Math.min(99, polls * 10)}}`
        : `{"id":"/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Demo/locations/westeurope/operationStatuses/op${index}","name":"op${index}","status":"Succeeded","percentComplete":100}`;
      const retryAfter = this.#options.retryAfter;
      return running && retryAfter !== undefined ? this.#reply(request, 200, body, "retry-after", retryAfter) : this.#reply(request, 200, body);
    }
    if (method === "GET" && url.startsWith(resourcePrefix)) {
      this.counts.finalGets++;
      return this.#reply(request, 200, widgetBody(indexOf(url, resourcePrefix), "Succeeded"));
    }
    this.counts.other++;
    return this.#reply(request, 404, `{"error":{"code":"NotFound","message":"No route for ${method}"}}`);
  }

  #reply(request: PipelineRequest, status: number, bodyAsText: string, extra?: string, value?: string): Promise<PipelineResponse> {
    const headers = createHttpHeaders({
      "content-type": "application/json; charset=utf-8",
      "x-ms-request-id": "6f0c1b1e-3c1c-4d7e-9a57-2f1e5b0c9d11",
    });
    if (extra !== undefined) headers.set(extra, value as string);
    return Promise.resolve({ request, status, headers, bodyAsText });
  }
}
