import { createHttpPoller, type OperationResponse, type RunningOperation } from "@azure/core-lro";
import { describe, expect, it } from "vitest";
import { beginLro, resumeLro, toCoreLroState } from "../../lib/index.js";
import { operationFromCoreLroState } from "../../lib/interop/core-lro-state.js";
import { virtualService } from "../support/fake-service.js";
import { advance, record, runToEnd } from "../support/virtual-time.js";

const url = "https://management.example.com/widgets/w?api-version=1";
const monitor = "https://management.example.com/operations/1";
const results = "https://management.example.com/operationResults/1";

describe("core-lro interop", () => {
  it("resumes from a core-lro v3 poller's serialize()", async () => {
    const lro: RunningOperation = {
      sendInitialRequest: async (): Promise<OperationResponse> => ({
        flatResponse: {},
        rawResponse: { statusCode: 202, request: { method: "POST", url }, headers: { "operation-location": monitor, location: results } },
      }),
      sendPollRequest: () => new Promise(() => undefined),
    };
    const poller = createHttpPoller(lro, { intervalInMs: 0 });
    await poller.submitted();
    const serialized = await poller.serialize();

    const { scheduler, service } = virtualService();
    service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } }).on("GET", results, { status: 200, body: { answer: 42 } });
    const run = await runToEnd(resumeLro(serialized, { ...service.options, allowedHosts: ["management.example.com"] }), scheduler);

    expect(service.log).toEqual([`GET ${monitor} @0`, `GET ${results} @0`]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { answer: 42 }, strategy: "operationLocation" });
  });

  it("reads v2 states, which do not record the request", () => {
    const v2 = { status: "running", config: { metadata: { mode: "OperationLocation" }, operationLocation: monitor, resourceLocation: results } };
    expect(operationFromCoreLroState(v2)).toMatchObject({ strategy: "operationLocation", pollingUrl: monitor, location: results, finalStateVia: "location" });
    const body = { status: "running", config: { metadata: { mode: "Body" }, operationLocation: url } };
    expect(operationFromCoreLroState(body)).toMatchObject({ strategy: "bodyContent", method: "PUT", requestUrl: url, pollingUrl: url });
  });

  it.each([
    ["not JSON", "{oops", /not JSON/],
    ["no config", JSON.stringify({ state: { status: "running" } }), /no `config`/],
    ["a relative request URL", JSON.stringify({ state: { status: "running", config: { metadata: { mode: "Body" }, operationLocation: "path", initialRequestUrl: "path" } } }), /not an absolute URL/],
  ])("refuses a core-lro token with %s", (_name, token, reason) => {
    expect(() => resumeLro(token)).toThrowError(reason);
  });

  it("hands an operation rx-lro began to a core-lro poller with toCoreLroState", async () => {
    const { scheduler, service } = virtualService();
    service.on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor, "retry-after": "60" } });
    const begun = record(beginLro({ url, method: "PUT" }, service.options), scheduler);
    await advance(scheduler, () => begun.values.length === 1);
    begun.subscription.unsubscribe();

    const polled: string[] = [];
    const replies: Record<string, unknown>[] = [{ status: "Succeeded" }, { id: "w" }];
    const poller = createHttpPoller(
      {
        sendInitialRequest: () => Promise.reject(new Error("a restored poller sends no initial request")),
        sendPollRequest: async (path) => {
          polled.push(path);
          const body = replies.shift()!;
          return { flatResponse: body, rawResponse: { statusCode: 200, request: { method: "GET", url: path }, headers: {}, body } };
        },
      },
      { intervalInMs: 0, restoreFrom: toCoreLroState(begun.values[0]!.continuationToken) },
    );

    expect(await poller.pollUntilDone()).toEqual({ id: "w" });
    expect(polled).toEqual([monitor, url]);
  });
});
