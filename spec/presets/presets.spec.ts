import { describe, expect, it } from "vitest";
import { armPolling, beginLro, lroPolling, type LroPollingOperator } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const url = "https://example.com/things/t?api-version=1";
const aao = "https://example.com/operations/aao";
const ol = "https://example.com/operations/ol";
const loc = "https://example.com/operations/loc";

async function strategyFor(polling: LroPollingOperator, method: "PUT" | "POST" | "PATCH" | "DELETE", status: number, headers: Record<string, string>, body?: unknown) {
  const { scheduler, service } = virtualService();
  service.on(method, url, { status, headers, body });
  for (const monitor of [aao, ol]) service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } });
  service.on("GET", loc, { status: 200, body: {} }).on("GET", url, { status: 200, body: {} });
  const run = await runToEnd(beginLro({ url, method }, { ...service.options, intervalInMs: 0, polling }), scheduler);
  return run.values[0]!.strategy;
}

describe("presets", () => {
  const all = { "Azure-AsyncOperation": aao, "Operation-Location": ol, Location: loc };

  it("armPolling prefers Azure-AsyncOperation, then Operation-Location, then Location, then the body (PUT/PATCH), then the status check", async () => {
    expect(await strategyFor(armPolling(), "POST", 202, all)).toBe("azureAsyncOperation");
    expect(await strategyFor(armPolling(), "POST", 202, { "Operation-Location": ol, Location: loc })).toBe("operationLocation");
    expect(await strategyFor(armPolling(), "DELETE", 202, { Location: loc })).toBe("location");
    expect(await strategyFor(armPolling(), "PUT", 201, {}, { properties: { provisioningState: "Creating" } })).toBe("bodyContent");
    expect(await strategyFor(armPolling(), "PATCH", 202, {})).toBe("bodyContent");
    expect(await strategyFor(armPolling(), "POST", 200, {}, { done: true })).toBe("statusCheck");
  });

  it("lroPolling prefers Operation-Location over Azure-AsyncOperation", async () => {
    expect(await strategyFor(lroPolling(), "POST", 202, all)).toBe("operationLocation");
    expect(await strategyFor(lroPolling(), "POST", 202, { "Azure-AsyncOperation": aao, Location: loc })).toBe("azureAsyncOperation");
  });

  it("beginLro defaults to armPolling, and a preset's own options win over beginLro's", async () => {
    const { scheduler, service } = virtualService();
    service.on("POST", url, { status: 202, headers: { "Azure-AsyncOperation": aao, "Operation-Location": ol } }).on("GET", aao, { status: 200, body: { status: "Succeeded" } });

    await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 100, polling: armPolling({ intervalInMs: 700 }) }), scheduler);

    expect(service.log).toEqual([`POST ${url} @0`, `GET ${aao} @700`]);
  });
});
