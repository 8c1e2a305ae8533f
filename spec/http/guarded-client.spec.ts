import { createHttpHeaders, createPipelineRequest, type HttpClient, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { GuardedClient } from "../../lib/http/guarded-client.js";
import { advanceTo, virtualScheduler } from "../support/virtual-time.js";

function answering(status: number, headers: Record<string, string>): HttpClient {
  return { sendRequest: async (request): Promise<PipelineResponse> => ({ request, status, headers: createHttpHeaders(headers) }) };
}

const send = (client: HttpClient) => client.sendRequest(createPipelineRequest({ url: "https://example.com/op" }));

describe("GuardedClient", () => {
  const scheduler = virtualScheduler();
  const guard = { maxDelayInMs: 30_000, scheduler };
  const unused = () => {
    throw new Error("no deadline here");
  };

  it.each([
    [{ "retry-after": "315360000" }, { "retry-after": "30", "retry-after-ms": "30000" }],
    [{ "retry-after-ms": "999999999999" }, { "retry-after-ms": "30000" }],
    [{ "x-ms-retry-after-ms": "99999999999999999999", "retry-after": "315360000" }, { "x-ms-retry-after-ms": "30000", "retry-after": "30" }],
    [{ "x-ms-retry-after-ms": "0", "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" }, { "x-ms-retry-after-ms": "0", "retry-after": "30" }],
    [{ "retry-after": "5" }, { "retry-after": "5" }],
  ])("caps a throttled response's %j to %j, keeping which header speaks first", async (sent, capped) => {
    const response = await send(new GuardedClient(answering(429, sent), guard, unused));
    expect(response.headers.toJSON()).toEqual(capped);
  });

  it("leaves the Retry-After of other responses as they came", async () => {
    const response = await send(new GuardedClient(answering(202, { "retry-after": "315360000" }), guard, unused));
    expect(response.headers.get("retry-after")).toBe("315360000");
  });

  it("aborts an exchange that has not completed by its deadline, body included, and says so", async () => {
    const controller = new AbortController();
    const stalled: HttpClient = {
      sendRequest: (request) =>
        new Promise((_resolve, reject) => request.abortSignal?.addEventListener("abort", () => reject(new Error("aborted")))),
    };
    const guarded = new GuardedClient(stalled, { ...guard, requestTimeoutInMs: 500 }, () => controller.abort());
    const request = createPipelineRequest({ url: "https://example.com/op" });
    request.abortSignal = controller.signal;
    const outcome = guarded.sendRequest(request).catch((error: Error) => error);

    await advanceTo(scheduler, scheduler.now() + 499);
    expect(guarded.timedOut()).toBe(false);
    await advanceTo(scheduler, scheduler.now() + 1);

    expect(await outcome).toMatchObject({ message: "aborted" });
    expect(guarded.timedOut()).toBe(true);
    expect(scheduler.actions).toHaveLength(0);
  });
});
