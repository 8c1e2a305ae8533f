import { describe, expect, it } from "vitest";
import { beginLro, bodyContentPolling } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const url = "https://management.example.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w?api-version=1";

describe("bodyContentPolling", () => {
  it("polls the PUT URL until provisioningState is terminal; the last body is the result", async () => {
    const { scheduler, service } = virtualService();
    service.on(
      "PUT",
      url,
      { status: 201, headers: { "retry-after": "1" }, body: { properties: { provisioningState: "Creating" } } },
    ).on(
      "GET",
      url,
      { status: 200, body: { properties: { provisioningState: "Updating" } } },
      { status: 200, body: { id: "w", properties: { provisioningState: "Succeeded" } } },
    );

    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, polling: bodyContentPolling(), intervalInMs: 500 }), scheduler);

    expect(service.log).toEqual([`PUT ${url} @0`, `GET ${url} @1000`, `GET ${url} @1500`]);
    expect(run.values.map((state) => state.providerStatus)).toEqual(["Creating", "Updating", "Succeeded"]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "w" }, strategy: "bodyContent", pollingUrl: url });
  });

  it("reads a top-level provisioningState too", async () => {
    const { scheduler, service } = virtualService();
    service.on("PATCH", url, { status: 202 }).on("GET", url, { status: 200, body: { provisioningState: "Canceled" } });

    const run = await runToEnd(beginLro({ url, method: "PATCH" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.map((state) => state.status)).toEqual(["running", "canceled"]);
  });

  it.each([
    [200, { properties: { provisioningState: "Succeeded" } }, "succeeded"],
    [200, { id: "w" }, "succeeded"],
    [204, undefined, "succeeded"],
    [201, { properties: { provisioningState: "Failed" } }, "failed"],
  ] as const)("finishes at once on an initial %i with %j", async (status, body, expected) => {
    const { scheduler, service } = virtualService();
    service.on("PUT", url, { status, body });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, service.options), scheduler);

    expect(service.requests).toHaveLength(1);
    expect(run.values.map((state) => state.status)).toEqual([expected]);
  });

  it("polls a 201 without provisioningState: it is still being created", async () => {
    const { scheduler, service } = virtualService();
    service.on("PUT", url, { status: 201 }).on("GET", url, { status: 200, body: { id: "w" } });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.map((state) => state.status)).toEqual(["running", "succeeded"]);
  });

  it("only polls PUT and PATCH", () => {
    const polling = bodyContentPolling();
    const response = (method: "PUT" | "PATCH" | "POST" | "DELETE") =>
      ({ status: 202, request: { method, url }, headers: { get: () => undefined } }) as never;
    expect(["PUT", "PATCH", "POST", "DELETE"].map((method) => polling.canPoll(response(method as "PUT")))).toEqual([true, true, false, false]);
  });
});
