import { createEmptyPipeline, createHttpHeaders, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { asyncScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
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
