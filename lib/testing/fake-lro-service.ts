import type { HttpClient, Pipeline } from "@azure/core-rest-pipeline";
import { asyncScheduler, type SchedulerLike } from "rxjs";
import { FakeTransport, inOrder, type FakeReply, type FakeRequest } from "./fake-transport.js";
import { checkScript, initialErrorReply, startOperation, type FakeLroScript } from "./lro-script.js";

/** Options of {@link createFakeLroService}. */
export interface FakeLroServiceOptions {
  /**
   * The scheduler the service keeps its time on: delayed answers, request timeouts and the time
   * each request is recorded at. Pass the `TestScheduler` your streams run on. @defaultValue asyncScheduler
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Where status monitors and result URLs live (`{baseUrl}/operationStatuses/{id}`, `/operations/{id}`,
   * `/operationResults/{id}`, with the request's `api-version`). Another host than the request's
   * tests `allowedHosts` and the URL policy. @defaultValue the initial request's origin
   */
  readonly baseUrl?: string;
  /** How long every answer takes, in milliseconds on `scheduler`, unless a reply says otherwise. @defaultValue 0 (the next microtask) */
  readonly latencyInMs?: number;
}

/** The rx-lro options that send through a fake service, on its scheduler. */
export interface FakeLroServiceClientOptions {
  /** The fake service itself. */
  readonly httpClient: HttpClient;
  /** An empty pipeline: no retry, redirect or authentication policies between rx-lro and the fake. */
  readonly pipeline: Pipeline;
  /** The service's scheduler, so that rx-lro's timers and the service's share one clock. */
  readonly scheduler: SchedulerLike;
}

/**
 * A scripted Azure service for unit tests: a core-rest-pipeline `HttpClient` that answers the
 * long-running operation patterns the way Azure services do, and records every request.
 * Created by {@link createFakeLroService}.
 */
export interface FakeLroService extends FakeLroServiceClientOptions {
  /** `{ httpClient, pipeline, scheduler }`: spread into any rx-lro options (`{ ...service.options, intervalInMs: 0 }`). */
  readonly options: FakeLroServiceClientOptions;
  /** Every request received so far, oldest first. */
  readonly requests: readonly FakeRequest[];
  /** Requests being answered now: 0 once every stream has ended or unsubscribed. */
  readonly inFlight: number;
  /** The most requests that were ever in flight at once. */
  readonly maxInFlight: number;
  /**
   * Every request `method` sends to `url` (exactly, or any URL a `RegExp` matches) from now on
   * begins an operation run by `script`: each one a new operation, with its own status monitor
   * and result URLs, answering its polls one script step after another. The script is checked
   * at once (a `TypeError` names what is wrong). Replaces an earlier route for the same method and URL.
   */
  script(method: string, url: string | RegExp, script: FakeLroScript): this;
  /**
   * Answers `method` `url` with `replies` in order, repeating the last one: for anything a script
   * does not cover (a resource list, an unusual answer, a dropped connection). Replaces an earlier
   * route for the same method and URL.
   */
  reply(method: string, url: string | RegExp, ...replies: [FakeReply, ...FakeReply[]]): this;
}

function checkRoute(method: unknown, url: unknown): void {
  if (typeof method !== "string" || !/^[A-Za-z]+$/.test(method)) {
    throw new TypeError(`Expected \`method\` to be an HTTP method such as "PUT", got ${JSON.stringify(method)} (${typeof method})`);
  }
  if (url instanceof RegExp) return;
  if (typeof url !== "string" || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new TypeError(`Expected \`url\` to be an absolute http(s) URL or a RegExp, got ${JSON.stringify(url)} (${typeof url})`);
  }
}

/** The service behind {@link createFakeLroService}: the transport, plus scripts. @internal */
export class FakeLroServiceImpl extends FakeTransport implements FakeLroService {
  readonly #baseUrl: string | undefined;
  #operations = 0;

  constructor(options: FakeLroServiceOptions = {}) {
    const latencyInMs = options.latencyInMs ?? 0;
    if (!(typeof latencyInMs === "number" && latencyInMs >= 0)) {
      throw new TypeError(`Expected \`latencyInMs\` to be a non-negative number of milliseconds, got ${String(latencyInMs)} (${typeof latencyInMs})`);
    }
    if (options.baseUrl !== undefined) checkRoute("GET", options.baseUrl);
    super(options.scheduler ?? asyncScheduler, latencyInMs);
    this.#baseUrl = options.baseUrl;
  }

  get httpClient(): HttpClient {
    return this;
  }

  get options(): FakeLroServiceClientOptions {
    return { httpClient: this, pipeline: this.pipeline, scheduler: this.scheduler };
  }

  script(method: string, url: string | RegExp, script: FakeLroScript): this {
    checkRoute(method, url);
    const checked = checkScript(method.toUpperCase(), script);
    this.route(method, url, (request) => {
      if (checked.initialError !== undefined) return initialErrorReply(checked.initialError);
      const started = startOperation(checked, request, `op-${++this.#operations}`, this.#baseUrl);
      for (const route of started.routes) this.route(route.method, route.url, route.responder);
      return started.initial;
    });
    return this;
  }

  reply(method: string, url: string | RegExp, ...replies: [FakeReply, ...FakeReply[]]): this {
    checkRoute(method, url);
    if (replies.length === 0) throw new TypeError("Expected at least one reply");
    for (const [index, reply] of replies.entries()) {
      if (typeof reply !== "object" || reply === null || !Number.isInteger(reply.status)) {
        throw new TypeError(`Expected \`replies[${index}]\` to be a reply with a numeric \`status\`, got ${JSON.stringify(reply)}`);
      }
    }
    this.route(method, url, inOrder(replies));
    return this;
  }
}

/**
 * Creates a scripted fake Azure service for the unit tests of code that uses rx-lro, as Go
 * azcore's `fake` package lets tests script pollers, but at the HTTP level: `script` a route
 * (statuses, `percentComplete`, `Retry-After`, a failure or cancellation with an ARM error, the
 * final body, or an initial 4xx) under the ARM or data-plane header patterns, hand
 * `service.options` (or just `httpClient`) to the code under test, and assert on the states and
 * on `service.requests`. Time runs on the scheduler you pass: with a `TestScheduler` (see
 * {@link createLroTestScheduler} and {@link runLro}), a test of a ten-minute operation takes
 * milliseconds and is deterministic.
 *
 * The answers are what Azure sends: 201/202 with `Azure-AsyncOperation`, `Operation-Location` or
 * `Location`, status monitors with `status`, `percentComplete` and `error`, a resource whose
 * `properties.provisioningState` follows the operation, the result at the URL the protocol
 * names, and 404 with an ARM error for anything unscripted.
 *
 * @example
 * ```ts
 * import { beginLro, lroResult } from "rx-lro";
 * import { createFakeLroService, createLroTestScheduler, runLro } from "rx-lro/testing";
 *
 * const scheduler = createLroTestScheduler();
 * const service = createFakeLroService({ scheduler }).script("PUT", "https://management.azure.com/widgets/w1?api-version=1", {
 *   statuses: [{ status: "InProgress", percentComplete: 50 }, "Succeeded"],
 *   retryAfterInSeconds: 5,
 *   result: { name: "w1" },
 * });
 *
 * const run = await runLro(beginLro({ url: "https://management.azure.com/widgets/w1?api-version=1", method: "PUT" }, service.options), scheduler);
 * run.values.map((state) => state.status); // ["running", "running", "succeeded"]
 * run.values.at(-1)?.result; // { name: "w1" }
 * service.requests.map((request) => `${request.method} @${request.at}`); // ["PUT @0", "GET @5000", "GET @10000", "GET @10000"]
 * ```
 */
export function createFakeLroService(options: FakeLroServiceOptions = {}): FakeLroService {
  return new FakeLroServiceImpl(options);
}
