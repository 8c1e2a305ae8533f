import { createHttpHeaders, createPipelineRequest, type HttpClient, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { guardedHttpClient } from "../../lib/http/guarded-client.js";
import { advanceTo, virtualScheduler } from "../support/virtual-time.js";

function answering(status: number, headers: Record<string, string>): HttpClient {
  return { sendRequest: async (request): Promise<PipelineResponse> => ({ request, status, headers: createHttpHeaders(headers) }) };
}

const send = (client: HttpClient) => client.sendRequest(createPipelineRequest({ url: "https://example.com/op" }));

describe("guardedHttpClient", () => {
  const scheduler = virtualScheduler();
  const guard = { maxDelayInMs: 30_000, scheduler };

  it.each([
    [{ "retry-after": "315360000" }, { "retry-after": "30", "retry-after-ms": "30000" }],
    [{ "retry-after-ms": "999999999999" }, { "retry-after-ms": "30000" }],
    [{ "x-ms-retry-after-ms": "99999999999999999999", "retry-after": "315360000" }, { "x-ms-retry-after-ms": "30000", "retry-after": "30" }],
    [{ "x-ms-retry-after-ms": "0", "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" }, { "x-ms-retry-after-ms": "0", "retry-after": "30" }],
    [{ "retry-after": "5" }, { "retry-after": "5" }],
  ])("caps a throttled response's %j to %j, keeping which header speaks first", async (sent, capped) => {
    const response = await send(guardedHttpClient(answering(429, sent), guard));
    expect(response.headers.toJSON()).toEqual(capped);
  });

  it("leaves the Retry-After of other responses as they came", async () => {
    const response = await send(guardedHttpClient(answering(202, { "retry-after": "315360000" }), guard));
    expect(response.headers.get("retry-after")).toBe("315360000");
  });

  it("aborts an exchange that has not completed by its deadline, body included", async () => {
    const stalled: HttpClient = {
      sendRequest: (request) =>
        new Promise((_resolve, reject) => request.abortSignal?.addEventListener("abort", () => reject(new Error("aborted")))),
    };
    const outcome = send(guardedHttpClient(stalled, { ...guard, timeoutInMs: 500 })).catch((error: Error) => error);
    await advanceTo(scheduler, scheduler.now() + 500);
    expect(await outcome).toMatchObject({ name: "TimeoutError", message: "No complete answer within 500 ms" });
    expect(scheduler.actions).toHaveLength(0);
  });
});
