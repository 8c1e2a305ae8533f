import { createEmptyPipeline, createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { asyncScheduler } from "rxjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RequestSequence, type RequestReceiver } from "../../lib/http/request-sequence.js";
import { beginLro, LroBadStatusError, LroRequestError, resumeLro } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const url = "https://example.com/widgets/w?api-version=1";
const monitor = "https://example.com/operations/1";

describe("transient poll failures", () => {
  it("retries 503 on its Retry-After and 500 on a backoff that doubles along the streak, keeping the operation", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor, "retry-after": "1" } })
      .on("GET", monitor,
        { status: 503, headers: { "retry-after": "7" } },
        { status: 500 },
        { status: 500 },
        { status: 200, body: { status: "Succeeded" } });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, retry: { retryDelayInMs: 100 } }), scheduler);

    expect(service.log).toEqual([
      `POST ${url} @0`,
      `GET ${monitor} @1000`,
      `GET ${monitor} @8000`,
      `GET ${monitor} @8200`,
      `GET ${monitor} @8600`,
    ]);
    expect(run.values.map((state) => state.status)).toEqual(["running", "succeeded"]);
    expect(run.values[1]!.pollCount).toBe(1);
  });

  it.each([408, 429, 502, 504])("errors with LroBadStatusError %i and a token once retries run out", async (status) => {
    const { scheduler, service } = virtualService();
    service.on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor } }).on("GET", monitor, { status });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 0, retry: { maxRetries: 2, retryDelayInMs: 10 } }), scheduler);

    expect(service.requests).toHaveLength(1 + 3);
    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect(run.error).toMatchObject({ httpStatus: status, continuationToken: run.values[0]!.continuationToken });
  });

  it("retries a dropped connection, then errors with LroRequestError carrying the cause and a token that resumes", async () => {
    const { scheduler, service } = virtualService();
    service.on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor } }).on("GET", monitor, { status: 0, networkError: "socket hang up" });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 0, retry: { maxRetries: 1, retryDelayInMs: 10 } }), scheduler);

    expect(service.requests).toHaveLength(3);
    expect(run.error).toBeInstanceOf(LroRequestError);
    expect((run.error as LroRequestError).message).toMatch(/while polling https:\/\/example\.com\/operations\/1 failed: socket hang up/);
    expect((run.error as LroRequestError).cause).toMatchObject({ message: "socket hang up" });

    service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } });
    const resumed = await runToEnd(resumeLro((run.error as LroRequestError).continuationToken!, { ...service.options, allowedHosts: ["example.com"] }), scheduler);
    expect(resumed.values.at(-1)!.status).toBe("succeeded");
  });

  it("aborts a poll that does not answer within requestTimeoutInMs and retries it", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 200, hang: true }, { status: 200, body: { status: "Succeeded" } });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 0, requestTimeoutInMs: 5000, retry: { retryDelayInMs: 10 } }), scheduler);

    expect(service.log).toEqual([`POST ${url} @0`, `GET ${monitor} @0`, `GET ${monitor} @5010`]);
    expect(service.requests[1]!.aborted()).toBe(true);
    expect(run.values.at(-1)!.status).toBe("succeeded");
  });

  it("retries a final GET that fails transiently, then takes its result", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor } }, { status: 200, body: { id: "w" } })
      .on("GET", monitor, { status: 200, body: { status: "Succeeded" } })
      .on("GET", url, { status: 503 }, { status: 200, body: { id: "w" } });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, intervalInMs: 0, retry: { retryDelayInMs: 10 } }), scheduler);

    expect(service.log.slice(2)).toEqual([`GET ${url} @0`, `GET ${url} @10`]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "w" }, resultUrl: url });
  });

  it("does not retry the initial request: it is not idempotent", async () => {
    const { scheduler, service } = virtualService();
    service.on("PUT", url, { status: 503 });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, service.options), scheduler);

    expect(service.requests).toHaveLength(1);
    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect((run.error as LroBadStatusError).state).toBeUndefined();
  });
});

describe("RequestSequence", () => {
  const settings = { scheduler: asyncScheduler, maxDelayInMs: 60_000, maxRetries: 0, retryDelayInMs: 0, maxRetryDelayInMs: 0 };

  /** A client that answers 200 after 5 ms, or fails with an AbortError when its signal fires first. */
  function slowClient(): { client: HttpClient; seen: PipelineRequest[] } {
    const seen: PipelineRequest[] = [];
    const client: HttpClient = {
      sendRequest: (request) => {
        seen.push(request);
        return new Promise<PipelineResponse>((resolve, reject) => {
          request.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
          setTimeout(() => resolve({ request, status: 200, headers: createHttpHeaders() }), 5);
        });
      },
    };
    return { client, seen };
  }

  function recorder(): { callbacks: RequestReceiver; outcomes: string[]; next: Promise<void> } {
    const outcomes: string[] = [];
    let settle!: () => void;
    const next = new Promise<void>((resolve) => (settle = resolve));
    const callbacks: RequestReceiver = {
      onResponse: (response) => {
        outcomes.push(`response ${response.request.url}`);
        settle();
      },
      onError: (error) => {
        outcomes.push(`error ${(error as Error).message}`);
        settle();
      },
      during: () => "during the test",
    };
    return { callbacks, outcomes, next };
  }

  it("cancelling aborts the request, whose late failure reaches no callback", async () => {
    const { client, seen } = slowClient();
    const sequence = new RequestSequence({ pipeline: createEmptyPipeline(), httpClient: client }, settings);
    const { callbacks, outcomes } = recorder();
    sequence.send({ url: "https://example.com/a" }, callbacks);
    await Promise.resolve();
    sequence.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen[0]!.abortSignal?.aborted).toBe(true);
    expect(outcomes).toEqual([]);
  });

  it("a finished request lets go of its signal; 8 requests share a controller, the 9th gets a fresh one", async () => {
    const { client, seen } = slowClient();
    const sequence = new RequestSequence({ pipeline: createEmptyPipeline(), httpClient: client }, settings);
    const signals: unknown[] = [];
    const responses: string[] = [];
    for (let index = 0; index < 9; index++) {
      const { callbacks, outcomes, next } = recorder();
      sequence.send({ url: `https://example.com/${index}` }, callbacks);
      signals.push(seen.at(-1)!.abortSignal);
      await next;
      responses.push(...outcomes);
    }
    expect(responses).toEqual(Array.from({ length: 9 }, (_, index) => `response https://example.com/${index}`));
    expect(seen.every((request) => request.abortSignal === undefined)).toBe(true);
    expect(new Set(signals.slice(0, 8)).size).toBe(1);
    expect(signals[8]).not.toBe(signals[0]);
  });

  it("never sends with an aborted controller: after a cancel the next request gets a fresh one", async () => {
    const { client, seen } = slowClient();
    const sequence = new RequestSequence({ pipeline: createEmptyPipeline(), httpClient: client }, settings);
    sequence.send({ url: "https://example.com/a" }, recorder().callbacks);
    const first = seen[0]!.abortSignal;
    await Promise.resolve();
    sequence.cancel();
    const { callbacks, outcomes, next } = recorder();
    sequence.send({ url: "https://example.com/b" }, callbacks);
    const second = seen[1]!.abortSignal;
    expect(first?.aborted).toBe(true);
    expect(second).not.toBe(first);
    expect(second?.aborted).toBe(false);
    await next;
    expect(outcomes).toEqual(["response https://example.com/b"]);
  });

  it("sending again drops the answer of the request it replaces", async () => {
    const { client } = slowClient();
    const sequence = new RequestSequence({ pipeline: createEmptyPipeline(), httpClient: client }, settings);
    const replaced = recorder();
    sequence.send({ url: "https://example.com/a" }, replaced.callbacks);
    const { callbacks, outcomes, next } = recorder();
    sequence.send({ url: "https://example.com/b" }, callbacks);
    await next;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(replaced.outcomes).toEqual([]);
    expect(outcomes).toEqual(["response https://example.com/b"]);
  });

  it("with no retries left, a transport failure is an LroRequestError naming the request", async () => {
    const failing: HttpClient = { sendRequest: () => Promise.reject(new Error("connect ECONNREFUSED")) };
    const sequence = new RequestSequence({ pipeline: createEmptyPipeline(), httpClient: failing }, settings);
    const { callbacks, outcomes, next } = recorder();
    sequence.send({ url: "https://example.com/a" }, callbacks);
    await next;
    expect(outcomes).toEqual(["error The request during the test failed: connect ECONNREFUSED"]);
  });
});

describe("RequestSequence with core-rest-pipeline's default pipeline or client", () => {
  const settings = { scheduler: asyncScheduler, maxDelayInMs: 60_000, maxRetries: 0, retryDelayInMs: 0, maxRetryDelayInMs: 0 };
  const defaultsModule = "../../lib/http/create-default-transport.js";

  /** A pipeline that notes which of its requests it sends. */
  function recordingPipeline(label: string, sent: string[]) {
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy({ name: "record", sendRequest: (request, next) => (sent.push(`${label} ${request.url}`), next(request)) });
    return pipeline;
  }
  function answeringClient(label: string, sent: string[]): HttpClient {
    return { sendRequest: async (request) => (sent.push(`${label} client`), { request, status: 200, headers: createHttpHeaders() }) };
  }

  /** request-sequence.js and default-transport.js as a fresh import finds them (defaults not loaded), with these as the defaults. */
  async function withDefaults(factory: () => unknown) {
    vi.doMock(defaultsModule, () => ({ createDefaultTransport: factory }));
    vi.resetModules();
    const { RequestSequence: FreshSequence } = await import("../../lib/http/request-sequence.js");
    const { loadDefaultTransport } = await import("../../lib/http/default-transport.js");
    const outcomes: unknown[] = [];
    /** Sends one request through a new sequence; `settled` resolves on its answer. */
    const send = (transport: ConstructorParameters<typeof RequestSequence>[0], requestUrl: string) => {
      const sequence = new FreshSequence(transport, settings);
      const settled = new Promise<void>((resolve) =>
        sequence.send({ url: requestUrl }, {
          onResponse: (response) => resolve(void outcomes.push(response.status)),
          onError: (error) => resolve(void outcomes.push((error as LroRequestError).cause)),
          during: () => "during the test",
        }),
      );
      return { sequence, settled };
    };
    return { send, outcomes, loaded: () => loadDefaultTransport().catch(() => undefined) };
  }

  afterEach(() => {
    vi.doUnmock(defaultsModule);
  });

  it("loads the defaults, then sends through what the transport has and the defaults for the rest", async () => {
    const sent: string[] = [];
    const { send, outcomes } = await withDefaults(() => ({ pipeline: recordingPipeline("default pipeline", sent), httpClient: answeringClient("default", sent) }));
    await send({}, "https://example.com/a").settled;
    await send({ pipeline: recordingPipeline("own pipeline", sent) }, "https://example.com/b").settled;
    await send({ httpClient: answeringClient("own", sent) }, "https://example.com/c").settled;
    expect(outcomes).toEqual([200, 200, 200]);
    expect(sent).toEqual(["default pipeline https://example.com/a", "default client", "own pipeline https://example.com/b", "default client", "default pipeline https://example.com/c", "own client"]);
  });

  it("sends nothing, and calls back nothing, when cancelled while the defaults load", async () => {
    const sent: string[] = [];
    const { send, outcomes, loaded } = await withDefaults(() => ({ pipeline: recordingPipeline("default pipeline", sent), httpClient: answeringClient("default", sent) }));
    send({}, "https://example.com/a").sequence.cancel();
    await loaded();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toEqual([]);
    expect(outcomes).toEqual([]);
  });

  it("fails the request when the defaults cannot be made, unless it was cancelled", async () => {
    const failure = new TypeError("no fetch here");
    const { send, outcomes, loaded } = await withDefaults(() => {
      throw failure;
    });
    await send({}, "https://example.com/a").settled;
    send({}, "https://example.com/b").sequence.cancel();
    await loaded();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcomes).toEqual([failure]);
  });
});
