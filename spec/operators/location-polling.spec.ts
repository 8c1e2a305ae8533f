import { describe, expect, it } from "vitest";
import { beginLro, LroBadStatusError, locationPolling, resumeLro } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { advance, record, runToEnd } from "../support/virtual-time.js";

const base = "https://management.example.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w";
const action = `${base}/restart?api-version=1`;
const results = "https://management.example.com/subscriptions/s/providers/Microsoft.Demo/operationResults/r1?api-version=1";

describe("locationPolling", () => {
  it("polls Location on Retry-After until it stops answering 202; that response is the result", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", action, { status: 202, headers: { Location: results, "Retry-After": "17" } })
      .on("GET", results, { status: 202, headers: { "retry-after": "2" } }, { status: 200, body: { migrated: 3 } });

    const run = await runToEnd(beginLro({ url: action, method: "POST" }, { ...service.options, polling: locationPolling() }), scheduler);

    expect(service.log).toEqual([`POST ${action} @0`, `GET ${results} @17000`, `GET ${results} @19000`]);
    expect(run.values.map((state) => `${state.status}:${state.providerStatus}:${state.httpStatus}`)).toEqual([
      "running:Accepted:202",
      "running:Accepted:202",
      "succeeded:OK:200",
    ]);
    expect(run.values.at(-1)).toMatchObject({ result: { migrated: 3 }, strategy: "location", pollingUrl: results });
  });

  it("ends with no result on 204 No Content", async () => {
    const { scheduler, service } = virtualService();
    service.on("DELETE", base, { status: 202, headers: { location: results } }).on("GET", results, { status: 204 });

    const run = await runToEnd(beginLro({ url: base, method: "DELETE" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: undefined, httpStatus: 204 });
  });

  it("moves polling to a new Location given on a 202", async () => {
    const { scheduler, service } = virtualService();
    const moved = `${results}&step=2`;
    service
      .on("POST", action, { status: 202, headers: { location: results } })
      .on("GET", results, { status: 202, headers: { location: moved } })
      .on("GET", moved, { status: 200, body: { ok: true } });

    const run = await runToEnd(beginLro({ url: action, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(service.requests.map((request) => request.url)).toEqual([action, results, moved]);
    expect(run.values.at(-1)!.pollingUrl).toBe(moved);
  });

  it("keeps polling while a 200/201 answers a provisioningState that is not terminal (a Redis-like PUT)", async () => {
    const { scheduler, service } = virtualService();
    const creating = (status: number) => ({ status, body: { id: "w", properties: { provisioningState: "Creating" } } });
    const created = { id: "w", properties: { provisioningState: "Succeeded", port: 6380 } };
    service
      .on("PUT", base, { status: 201, headers: { location: base }, body: creating(201).body })
      .on("GET", base, creating(200), creating(201), { status: 200, body: { id: "w", properties: { provisioningState: "Updating" } } }, { status: 200, body: created });

    const run = await runToEnd(beginLro({ url: base, method: "PUT", json: {} }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(service.requests.map((request) => `${request.method} ${request.url}`)).toEqual([`PUT ${base}`, ...Array<string>(4).fill(`GET ${base}`)]);
    expect(run.values.map((state) => `${state.status}:${state.providerStatus}:${state.httpStatus}`)).toEqual([
      "running:Creating:201",
      "running:Creating:200",
      "running:Creating:201",
      "running:Updating:200",
      "succeeded:Succeeded:200",
    ]);
    expect(run.values.at(-1)).toMatchObject({ strategy: "location", result: created, pollCount: 4 });
  });

  it("still ends on a 200 whose body has no provisioningState", async () => {
    const { scheduler, service } = virtualService();
    service.on("POST", action, { status: 202, headers: { location: results } }).on("GET", results, { status: 200, body: { value: [] } });

    const run = await runToEnd(beginLro({ url: action, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", providerStatus: "OK", result: { value: [] }, pollCount: 1 });
  });

  it("does not swallow a Failed provisioningState in the 200 that ends it", async () => {
    const { scheduler, service } = virtualService();
    const error = { code: "Conflict", message: "busy" };
    service
      .on("PATCH", base, { status: 202, headers: { location: results } })
      .on("GET", results, { status: 200, body: { properties: { provisioningState: "Failed", error } } });

    const run = await runToEnd(beginLro({ url: base, method: "PATCH" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.at(-1)).toMatchObject({ status: "failed", error });
  });

  it("fetches the request URL for final-state-via original-uri", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", base, { status: 202, headers: { location: results } }, { status: 200, body: { id: "w" } })
      .on("GET", results, { status: 200 })
      .on("GET", base, { status: 200, body: { id: "w" } });

    const run = await runToEnd(beginLro({ url: base, method: "PUT" }, { ...service.options, intervalInMs: 0, finalStateVia: "original-uri" }), scheduler);

    expect(service.requests.at(-1)!.url).toBe(base);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "w" }, resultUrl: base });
  });

  it("errors with LroBadStatusError and a resumable token when the Location URL answers 404", async () => {
    const { scheduler, service } = virtualService();
    service.on("POST", action, { status: 202, headers: { location: results } }).on("GET", results, { status: 404 });

    const run = await runToEnd(beginLro({ url: action, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.error).toBeInstanceOf(LroBadStatusError);
    const token = (run.error as LroBadStatusError).continuationToken!;
    service.on("GET", results, { status: 200, body: { late: true } });
    const resumed = await runToEnd(resumeLro(token, { ...service.options, allowedHosts: ["management.example.com"] }), scheduler);
    expect(resumed.values.at(-1)).toMatchObject({ status: "succeeded", result: { late: true } });
  });

  it("cannot poll a response without Location", async () => {
    const { scheduler, service } = virtualService();
    service.on("POST", action, { status: 202, headers: { "azure-asyncoperation": results } });
    const run = record(beginLro({ url: action, method: "POST" }, service.options), scheduler);
    await advance(scheduler, () => run.values.length > 0);
    expect(locationPolling().canPoll(run.values[0]!.rawResponse!)).toBe(false);
    run.subscription.unsubscribe();
  });
});

describe("locationPolling reading a final status body", () => {
  it.each([
    [{ status: "Failed", error: { code: "Quota", message: "no" } }, "failed"],
    [{ status: "Canceled", error: { code: "Stopped", message: "by user" } }, "canceled"],
    [{ status: "Failed" }, "succeeded"],
    [{ status: "Running", error: { code: "x", message: "y" } }, "succeeded"],
  ])("reads %j as %s", async (body, expected) => {
    const { scheduler, service } = virtualService();
    service.on("POST", action, { status: 202, headers: { location: results } }).on("GET", results, { status: 200, body });

    const run = await runToEnd(beginLro({ url: action, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.at(-1)!.status).toBe(expected);
  });
});
