import { describe, expect, it } from "vitest";
import { beginLro, operationLocationPolling } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const endpoint = "https://contoso.cognitiveservices.example.com";
const analyze = `${endpoint}/documentModels/prebuilt-read:analyze?api-version=2024-11-30`;
const results = `${endpoint}/documentModels/prebuilt-read/analyzeResults/abc?api-version=2024-11-30`;

describe("operationLocationPolling", () => {
  it("polls Operation-Location and, for final-state-via operation-location on POST, returns the status body", async () => {
    const { scheduler, service } = virtualService();
    const done = { status: "succeeded", analyzeResult: { pages: 2 } };
    service
      .on("POST", analyze, { status: 202, headers: { "Operation-Location": results, "retry-after-ms": "250" } })
      .on("GET", results, { status: 200, body: { status: "running" } }, { status: 200, body: done });

    const run = await runToEnd(
      beginLro({ url: analyze, method: "POST", json: { urlSource: "https://example.com/a.pdf" } }, {
        ...service.options,
        intervalInMs: 1000,
        polling: operationLocationPolling({ finalStateVia: "operation-location" }),
      }),
      scheduler,
    );

    expect(service.log).toEqual([`POST ${analyze} @0`, `GET ${results} @250`, `GET ${results} @1250`]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: done, strategy: "operationLocation" });
    expect(service.requests[0]!.headers.get("content-type")).toBe("application/json");
  });

  it("fetches a POST's result from the initial Location, not from a Location a poll echoes", async () => {
    const { scheduler, service } = virtualService();
    const location = `${endpoint}/documentModels/prebuilt-read/results/abc?api-version=2024-11-30`;
    const echoed = `${endpoint}/documentModels/prebuilt-read/analyzeResults/abc/location?api-version=2024-11-30`;
    service
      .on("POST", analyze, { status: 202, headers: { "Operation-Location": results, location } })
      .on("GET", results, { status: 200, headers: { location: echoed }, body: { status: "running" } }, { status: 200, headers: { location: echoed }, body: { status: "succeeded" } })
      .on("GET", location, { status: 200, body: { pages: 2 } });

    const run = await runToEnd(beginLro({ url: analyze, method: "POST" }, { ...service.options, intervalInMs: 0, polling: operationLocationPolling() }), scheduler);

    expect(service.requests.map((request) => request.url)).toEqual([analyze, results, results, location]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { pages: 2 }, resultUrl: location });
  });
});
