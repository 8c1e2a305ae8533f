import { createEmptyPipeline, createHttpHeaders, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { asyncScheduler } from "rxjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CurrentRequest, RequestControllers, sendRequest } from "../../lib/http/send.js";

describe("RequestControllers", () => {
  it("serves 8 requests with one controller, then a fresh one", () => {
    const controllers = new RequestControllers();
    const handed = Array.from({ length: 17 }, () => controllers.next());
    expect(new Set(handed.slice(0, 8)).size).toBe(1);
    expect(new Set(handed.slice(8, 16)).size).toBe(1);
    expect(handed[8]).not.toBe(handed[0]);
    expect(handed[16]).not.toBe(handed[8]);
  });

  it("never hands out an aborted controller", () => {
    const controllers = new RequestControllers();
    const first = controllers.next();
    first.abort();
    const second = controllers.next();
    expect(second).not.toBe(first);
    expect(second.signal.aborted).toBe(false);
  });
});

describe("CurrentRequest", () => {
  it("cancels the request in flight, and at once any request set after", () => {
    const cancelled: string[] = [];
    const current = new CurrentRequest();
    current.set(() => cancelled.push("first"));
    current.set(() => cancelled.push("second"));
    current.cancel();
    expect(cancelled).toEqual(["second"]);
    current.set(() => cancelled.push("late"));
    expect(cancelled).toEqual(["second", "late"]);
    current.cancel();
    expect(cancelled).toEqual(["second", "late"]);
  });
});

describe("sendRequest", () => {
  const guard = { maxDelayInMs: 60_000, scheduler: asyncScheduler };

  function pendingClient() {
    const seen: PipelineRequest[] = [];
    const client = {
      sendRequest: (request: PipelineRequest) => {
        seen.push(request);
        return new Promise<PipelineResponse>((resolve, reject) => {
          request.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
          setTimeout(() => resolve({ request, status: 200, headers: createHttpHeaders() }), 5);
        });
      },
    };
    return { client, seen };
  }

  it("cancelling aborts the request, whose late failure reaches no callback", async () => {
    const { client, seen } = pendingClient();
    const outcomes: string[] = [];
    const transport = { pipeline: createEmptyPipeline(), httpClient: client };
    const cancel = sendRequest(transport, { url: "https://example.com/a" }, guard, () => outcomes.push("response"), () => outcomes.push("error"));
    await Promise.resolve();
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen[0]!.abortSignal?.aborted).toBe(true);
    expect(outcomes).toEqual([]);
  });

  it("a finished request lets go of its signal, and the next request of the operation reuses its controller", async () => {
    const { client, seen } = pendingClient();
    const controllers = new RequestControllers();
    const transport = { pipeline: createEmptyPipeline(), httpClient: client };
    const responses: PipelineResponse[] = [];
    const signals: unknown[] = [];
    for (const url of ["https://example.com/a", "https://example.com/b"]) {
      await new Promise<void>((resolve, reject) => {
        sendRequest(transport, { url }, guard, (response) => resolve(void responses.push(response)), reject, controllers);
        signals.push(seen.at(-1)!.abortSignal);
      });
    }
    expect(responses.map((response) => response.request.url)).toEqual(["https://example.com/a", "https://example.com/b"]);
    expect(responses.every((response) => response.request.abortSignal === undefined)).toBe(true);
    expect(signals[1]).toBe(signals[0]);
  });
});

describe("sendRequest with core-rest-pipeline's default pipeline or client", () => {
  const guard = { maxDelayInMs: 60_000, scheduler: asyncScheduler };
  const defaultsModule = "../../lib/http/create-default-transport.js";

  /** A pipeline that notes which of its requests it sends, and with which client. */
  function recordingPipeline(label: string, sent: string[]) {
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy({ name: "record", sendRequest: (request, next) => (sent.push(`${label} ${request.url}`), next(request)) });
    return pipeline;
  }
  function answeringClient(label: string, sent: string[]) {
    return { sendRequest: async (request: PipelineRequest): Promise<PipelineResponse> => (sent.push(`${label} client`), { request, status: 200, headers: createHttpHeaders() }) };
  }

  /** send.js and default-transport.js as a fresh import finds them (defaults not loaded), with these as the defaults. */
  async function withDefaults(factory: () => unknown) {
    vi.doMock(defaultsModule, () => ({ createDefaultTransport: factory }));
    vi.resetModules();
    const { sendRequest: send } = await import("../../lib/http/send.js");
    const { loadDefaultTransport } = await import("../../lib/http/default-transport.js");
    return { send, loaded: () => loadDefaultTransport().catch(() => undefined) };
  }

  afterEach(() => {
    vi.doUnmock(defaultsModule);
  });

  it("loads the defaults, then sends through what the transport has and the defaults for the rest", async () => {
    const sent: string[] = [];
    const { send, loaded } = await withDefaults(() => ({ pipeline: recordingPipeline("default pipeline", sent), httpClient: answeringClient("default", sent) }));
    const statuses: number[] = [];
    await new Promise((resolve, reject) => send({}, { url: "https://example.com/a" }, guard, resolve, reject)).then((response) => statuses.push((response as PipelineResponse).status));
    await loaded();
    const own = { pipeline: recordingPipeline("own pipeline", sent) };
    await new Promise((resolve, reject) => send(own, { url: "https://example.com/b" }, guard, resolve, reject));
    await new Promise((resolve, reject) => send({ httpClient: answeringClient("own", sent) }, { url: "https://example.com/c" }, guard, resolve, reject));
    expect(statuses).toEqual([200]);
    expect(sent).toEqual(["default pipeline https://example.com/a", "default client", "own pipeline https://example.com/b", "default client", "default pipeline https://example.com/c", "own client"]);
  });

  it("sends nothing, and calls back nothing, when cancelled while the defaults load", async () => {
    const sent: string[] = [];
    const { send, loaded } = await withDefaults(() => ({ pipeline: recordingPipeline("default pipeline", sent), httpClient: answeringClient("default", sent) }));
    const outcomes: string[] = [];
    const cancel = send({}, { url: "https://example.com/a" }, guard, () => outcomes.push("response"), () => outcomes.push("error"));
    cancel();
    await loaded();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sent).toEqual([]);
    expect(outcomes).toEqual([]);
  });

  it("fails the request when the defaults cannot be made, unless it was cancelled", async () => {
    const failure = new TypeError("no fetch here");
    const { send, loaded } = await withDefaults(() => {
      throw failure;
    });
    const errors: unknown[] = [];
    await new Promise((resolve) => send({}, { url: "https://example.com/a" }, guard, resolve, (error) => resolve(errors.push(error))));
    const cancel = send({}, { url: "https://example.com/b" }, guard, () => errors.push("response"), (error) => errors.push(error));
    cancel();
    await loaded();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors).toEqual([failure]);
  });
});
