import { createHttpPoller } from "@azure/core-lro";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { lastValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { coreLroOperation } from "../../bench/core-lro-adapter.js";
import {
  beginLro,
  LroBadStatusError,
  lroPolling,
  lroResult,
  LroUrlRejectedError,
  resumeLro,
  type LroState,
} from "../../lib/index.js";
import {
  advanceVirtualTime,
  createFakeLroService,
  createLroTestScheduler,
  recordLro,
  runLro,
  type FakeLroPattern,
  type FakeLroScript,
} from "../../lib/testing/index.js";

const resource = "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w1?api-version=2024-01-01";
const action = "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w1/restart?api-version=2024-01-01";
const quota = { code: "QuotaExceeded", message: "Not enough cores." };

function setup(options: { latencyInMs?: number; baseUrl?: string } = {}) {
  const scheduler = createLroTestScheduler();
  return { scheduler, service: createFakeLroService({ scheduler, ...options }) };
}

const summary = (states: readonly LroState[]) => states.map((state) => `${state.status}:${state.providerStatus}:${state.httpStatus}${state.percentComplete === undefined ? "" : `:${state.percentComplete}%`}`);
const path = (url: string) => new URL(url).pathname.replace(/^.*\/providers\/Microsoft\.Demo\/widgets\//, "W/");
const get = (service: ReturnType<typeof setup>["service"], url: string) => service.pipeline.sendRequest(service.httpClient, createPipelineRequest({ url, method: "GET" }));
const log = (service: ReturnType<typeof setup>["service"]) => service.requests.map((request) => `${request.method} ${path(request.url)} @${request.at}`);

describe("createFakeLroService: the ARM patterns", () => {
  it("Azure-AsyncOperation PUT: statuses with percentComplete, Retry-After on every answer, the resource as the final GET", async () => {
    const { scheduler, service } = setup();
    service.script("PUT", resource, {
      statuses: [{ status: "InProgress", percentComplete: 40 }, { status: "InProgress", percentComplete: 80, retryAfterInSeconds: 1 }, "Succeeded"],
      retryAfterInSeconds: 5,
      result: { name: "w1", properties: { size: 3, provisioningState: "Succeeded" } },
    });

    const run = await runLro(beginLro({ url: resource, method: "PUT", json: { properties: { size: 3 } } }, service.options), scheduler);

    expect(summary(run.values)).toEqual(["running:Accepted:201", "running:InProgress:200:40%", "running:InProgress:200:80%", "succeeded:Succeeded:200"]);
    expect(run.times).toEqual([0, 5000, 10000, 11000]);
    expect(run.values.at(-1)!.result).toEqual({ name: "w1", properties: { size: 3, provisioningState: "Succeeded" } });
    expect(log(service)).toEqual(["PUT W/w1 @0", "GET /operationStatuses/op-1 @5000", "GET /operationStatuses/op-1 @10000", "GET /operationStatuses/op-1 @11000", "GET W/w1 @11000"]);
    expect(service.requests[0]!.body).toBe(JSON.stringify({ properties: { size: 3 } }));
    expect(service.requests[1]!.url).toBe("https://management.azure.com/operationStatuses/op-1?api-version=2024-01-01");
    const initial = run.values[0]!.rawResponse!;
    expect(initial.headers.get("azure-asyncoperation")).toBe(service.requests[1]!.url);
    expect(initial.headers.get("retry-after")).toBe("5");
    expect(JSON.parse(initial.bodyAsText!)).toEqual({ name: "w1", properties: { size: 3, provisioningState: "Accepted" } });
    // The terminal answer carries no Retry-After: there is nothing left to wait for.
    expect(run.values[3]!.rawResponse!.request.url).toBe(resource);
    expect(run.values[3]!.retryAfterInMs).toBeUndefined();
  });

  it("Azure-AsyncOperation POST: a Location for the result, which answers 202 until the operation ends", async () => {
    const { scheduler, service } = setup();
    service.script("POST", action, { statuses: ["InProgress", "Succeeded"], result: { restarted: true } });
    const results = "https://management.azure.com/operationResults/op-1?api-version=2024-01-01";

    const run = recordLro(beginLro({ url: action, method: "POST" }, { ...service.options, intervalInMs: 1000 }), scheduler);
    await advanceVirtualTime(scheduler, () => run.values.length === 2);
    const early = await get(service, results);
    await advanceVirtualTime(scheduler, () => run.completed);

    expect(run.values[0]!.rawResponse!.headers.get("location")).toBe(results);
    expect([early.status, early.headers.get("location")]).toEqual([202, results]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { restarted: true }, resultUrl: results });
    expect(log(service)).toEqual(["POST W/w1/restart @0", "GET /operationStatuses/op-1 @1000", "GET /operationResults/op-1 @1000", "GET /operationStatuses/op-1 @2000", "GET /operationResults/op-1 @2000"]);
  });

  it("Azure-AsyncOperation DELETE: no result and no final GET", async () => {
    const { scheduler, service } = setup();
    service.script("DELETE", resource, {});

    const run = await runLro(beginLro({ url: resource, method: "DELETE" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(summary(run.values)).toEqual(["running:Accepted:202", "running:InProgress:200", "succeeded:Succeeded:200"]);
    expect(run.values.at(-1)!.result).toBeUndefined();
    // The second poll is 10 ms on: rx-lro spaces repeated zero delays.
    expect(log(service)).toEqual(["DELETE W/w1 @0", "GET /operationStatuses/op-1 @0", "GET /operationStatuses/op-1 @10"]);
  });

  it("Location: 202 while running, then the result (200) or nothing (204)", async () => {
    const { scheduler, service } = setup();
    service.script("POST", action, { pattern: "location", statuses: ["Running", "Running"], retryAfterInSeconds: 2, result: { moved: 42 } });
    service.script("DELETE", resource, { pattern: "location" });

    const posted = await runLro(beginLro({ url: action, method: "POST" }, service.options), scheduler);
    const deleted = await runLro(beginLro({ url: resource, method: "DELETE" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(summary(posted.values)).toEqual(["running:Accepted:202", "running:Accepted:202", "running:Accepted:202", "succeeded:OK:200"]);
    expect(posted.times).toEqual([0, 2000, 4000, 6000]);
    expect(posted.values.at(-1)!.result).toEqual({ moved: 42 });
    expect(posted.values[1]!.rawResponse!.headers.get("location")).toBe(posted.values[1]!.pollingUrl);
    expect(summary(deleted.values).at(-1)).toBe("succeeded:No Content:204");
    expect(deleted.values.at(-1)!.strategy).toBe("location");
  });

  it("body: no header; the resource reports each status as its provisioningState", async () => {
    const { scheduler, service } = setup();
    service.script("PUT", resource, { pattern: "body", statuses: ["Creating", "Creating", "Succeeded"], result: { name: "w1" } });
    service.script("PATCH", resource, { pattern: "body", statuses: ["Updating", "Failed"], error: quota });

    const put = await runLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 0 }), scheduler);
    const patch = await runLro(beginLro({ url: resource, method: "PATCH" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(summary(put.values)).toEqual(["running:Accepted:201", "running:Creating:200", "running:Creating:200", "succeeded:OK:200"]);
    expect(put.values.every((state) => state.strategy === "bodyContent")).toBe(true);
    expect(put.values.at(-1)!.result).toEqual({ name: "w1" });
    expect(JSON.parse(put.values[1]!.rawResponse!.bodyAsText!)).toEqual({ name: "w1", properties: { provisioningState: "Creating" } });
    expect(summary(patch.values)).toEqual(["running:Accepted:200", "running:Updating:200", "failed:Failed:200"]);
    expect(patch.values.at(-1)!.error).toEqual(quota);
  });
});

describe("createFakeLroService: failures", () => {
  it.each<[FakeLroPattern, string, string]>([
    ["azure-async-operation", "PUT", "Failed"],
    ["azure-async-operation", "POST", "Canceled"],
    ["operation-location", "POST", "Failed"],
    ["location", "DELETE", "Failed"],
    ["location", "PATCH", "Canceled"],
    ["body", "PUT", "Canceled"],
  ])("%s %s ending %s: a terminal state with the ARM error, and lroResult's error", async (pattern, method, word) => {
    const { scheduler, service } = setup();
    service.script(method, resource, { pattern, statuses: ["InProgress", word], error: quota });
    const status = word === "Failed" ? "failed" : "canceled";
    const polling = pattern === "operation-location" ? { polling: lroPolling() } : {};

    const run = await runLro(beginLro({ url: resource, method: method as "PUT" }, { ...service.options, ...polling, intervalInMs: 0 }), scheduler);

    expect(run.completed).toBe(true);
    expect(run.values.at(-1)).toMatchObject({ status, providerStatus: word, error: quota });
    const thrown = await runLro(beginLro({ url: resource, method: method as "PUT" }, { ...service.options, ...polling, intervalInMs: 0 }).pipe(lroResult()), scheduler);
    expect(thrown.error).toMatchObject({ name: status === "failed" ? "LroFailedError" : "LroCanceledError" });
  });

  it("an error given without a terminal status fails the operation after the statuses", async () => {
    const { scheduler, service } = setup();
    service.script("PUT", resource, { statuses: ["InProgress"], error: quota });

    const run = await runLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(summary(run.values).at(-1)).toBe("failed:Failed:200");
  });

  it("an initial 4xx: LroBadStatusError with the service's error, and nothing more is sent", async () => {
    const { scheduler, service } = setup();
    service.script("PUT", resource, { initialError: { status: 400, code: "InvalidResourceName", message: "The name 'w1' is not valid." } });

    const run = await runLro(beginLro({ url: resource, method: "PUT" }, service.options), scheduler);

    expect(run.values).toEqual([]);
    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect(run.error).toMatchObject({ httpStatus: 400, error: { code: "InvalidResourceName", message: "The name 'w1' is not valid." }, continuationToken: undefined });
    expect(service.requests).toHaveLength(1);
  });

  it("an HTTP error step is one failed poll: rx-lro retries it and the operation goes on", async () => {
    const { scheduler, service } = setup();
    service.script("PUT", resource, { statuses: ["InProgress", { httpStatus: 503, retryAfterInSeconds: 3 }, "Succeeded"], result: { ok: 1 } });

    const run = await runLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 1000 }), scheduler);

    expect(summary(run.values)).toEqual(["running:Accepted:201", "running:InProgress:200", "succeeded:Succeeded:200"]);
    expect(log(service)).toEqual(["PUT W/w1 @0", "GET /operationStatuses/op-1 @1000", "GET /operationStatuses/op-1 @2000", "GET /operationStatuses/op-1 @5000", "GET W/w1 @5000"]);
  });
});

describe("createFakeLroService: the service", () => {
  it("begins a new operation for each request to a scripted route", async () => {
    const { scheduler, service } = setup();
    service.script("PUT", resource, { statuses: ["InProgress", "InProgress", "Succeeded"] });

    const first = recordLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 1000 }), scheduler);
    await advanceVirtualTime(scheduler, () => first.values.length === 2);
    const second = recordLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 1000 }), scheduler);
    await advanceVirtualTime(scheduler, () => first.completed && second.completed);

    expect(first.values.map((state) => state.pollingUrl)).toContain("https://management.azure.com/operationStatuses/op-1?api-version=2024-01-01");
    expect(second.values.map((state) => state.pollingUrl)).toContain("https://management.azure.com/operationStatuses/op-2?api-version=2024-01-01");
    expect(second.values.map((state) => state.status)).toEqual(["running", "running", "running", "succeeded"]);
  });

  it("resumes from a continuation token: the operation goes on where the token left it", async () => {
    const { scheduler, service } = setup();
    service.script("PUT", resource, { statuses: ["InProgress", "InProgress", "Succeeded"], result: { name: "w1" } });
    const first = recordLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 1000 }), scheduler);
    await advanceVirtualTime(scheduler, () => first.values.length === 2);
    first.subscription.unsubscribe();

    const resumed = await runLro(resumeLro(first.values[1]!.continuationToken, { ...service.options, intervalInMs: 1000 }), scheduler);

    expect(summary(resumed.values)).toEqual(["running:InProgress:200", "succeeded:Succeeded:200"]);
    expect(resumed.values.at(-1)!.result).toEqual({ name: "w1" });
  });

  it("keeps latency on the scheduler; unsubscribing aborts the request in flight", async () => {
    const { scheduler, service } = setup({ latencyInMs: 300 });
    service.script("PUT", resource, {});
    const run = recordLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 1000 }), scheduler);

    await advanceVirtualTime(scheduler, () => service.requests.length === 2);
    expect(run.times).toEqual([300]);
    expect(service.requests[1]!.at).toBe(1300);
    expect(service.inFlight).toBe(1);
    run.subscription.unsubscribe();
    await advanceVirtualTime(scheduler);

    expect(service.requests[1]!.aborted()).toBe(true);
    expect(service.inFlight).toBe(0);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("serves monitors from baseUrl: another host is refused unless the app allows it", async () => {
    const { scheduler, service } = setup({ baseUrl: "https://westeurope.management.azure.com/ops" });
    service.script("PUT", resource, {});

    const refused = await runLro(beginLro({ url: resource, method: "PUT" }, service.options), scheduler);
    const allowed = await runLro(beginLro({ url: resource, method: "PUT" }, { ...service.options, allowedHosts: ["westeurope.management.azure.com"] }), scheduler);

    expect(refused.error).toBeInstanceOf(LroUrlRejectedError);
    expect(allowed.values.at(-1)!.status).toBe("succeeded");
    expect(service.requests.at(-2)!.url).toBe("https://westeurope.management.azure.com/ops/operationStatuses/op-2?api-version=2024-01-01");
  });

  it("answers raw replies in order, repeating the last, and 404 with an ARM error where nothing is routed", async () => {
    const { service } = setup();
    service.reply("GET", /\/widgets\?/, { status: 200, body: { value: [] } }, { status: 500, headers: { "x-a": "1" }, body: "oops" });
    const list = resource.split("/w1")[0]!;

    const answers = [await get(service, `${list}?api-version=1`), await get(service, `${list}?x`), await get(service, `${list}?y`)];
    const missing = await get(service, "https://management.azure.com/nothing");

    expect(answers.map((answer) => [answer.status, answer.bodyAsText])).toEqual([[200, '{"value":[]}'], [500, "oops"], [500, "oops"]]);
    expect(answers[0]!.headers.get("content-type")).toMatch(/^application\/json/);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.bodyAsText!)).toEqual({ error: { code: "NotFound", message: "The fake service has no route for GET https://management.azure.com/nothing." } });
  });

  it("refuses a bad script or route at once, with a TypeError naming it", () => {
    const { service } = setup();
    const bad: [string, unknown, FakeLroScript | undefined, RegExp][] = [
      ["PUT", "/relative", {}, /`url` to be an absolute http\(s\) URL/],
      ["P UT", resource, {}, /`method`/],
      ["POST", action, { pattern: "body" }, /"body" pattern follows a PUT or PATCH/],
      ["PUT", resource, { pattern: "arm" as never }, /`pattern` to be one of/],
      ["PUT", resource, { statuses: ["Succeeded", "InProgress"] }, /`statuses\[0\]` is terminal/],
      ["PUT", resource, { pattern: "location", statuses: [{ status: "Running", percentComplete: 5 }] }, /status monitors only/],
      ["PUT", resource, { statuses: [{ status: "Running", percentComplete: 101 }] }, /`statuses\[0\].percentComplete`/],
      ["PUT", resource, { statuses: [{ httpStatus: 200 }] }, /`statuses\[0\].httpStatus`/],
      ["PUT", resource, { retryAfterInSeconds: -1 }, /`retryAfterInSeconds`/],
      ["PUT", resource, { error: { code: 5 } as never }, /`error` to be an ARM error/],
      ["PUT", resource, { initialError: { status: 302, code: "x", message: "y" } }, /`initialError.status`/],
      ["PUT", resource, { initialStatus: 204 as never }, /`initialStatus`/],
    ];
    for (const [method, url, script, message] of bad) {
      expect(() => service.script(method, url as string, script!), `${method} ${String(url)} ${JSON.stringify(script)}`).toThrow(message);
    }
    expect(() => createFakeLroService({ latencyInMs: -5 })).toThrow(/`latencyInMs`/);
    expect(service.requests).toEqual([]);
  });
});

describe("createFakeLroService speaks the protocol, not rx-lro: @azure/core-lro reaches the same outcome", () => {
  const cases: [FakeLroPattern, "PUT" | "PATCH" | "POST" | "DELETE", FakeLroScript][] = [
    ["azure-async-operation", "PUT", { result: { name: "w1" } }],
    ["azure-async-operation", "POST", { result: { restarted: true } }],
    ["azure-async-operation", "DELETE", {}],
    ["operation-location", "PUT", { result: { name: "w1" } }],
    ["location", "POST", { result: { moved: 1 } }],
    ["location", "DELETE", {}],
    ["body", "PUT", { statuses: ["Creating", "Succeeded"], result: { name: "w1", properties: { provisioningState: "Succeeded" } } }],
    ["azure-async-operation", "PUT", { statuses: ["InProgress", "Failed"], error: quota }],
    ["operation-location", "POST", { statuses: ["Running", "Canceled"], error: quota }],
  ];
  it.each(cases)("%s %s %j", async (pattern, method, script) => {
    const service = createFakeLroService();
    const url = method === "POST" ? action : resource;
    service.script(method, url, { ...script, pattern });
    const polling = pattern === "operation-location" ? { polling: lroPolling() } : {};

    const rx = await lastValueFrom(beginLro({ url, method }, { ...service.options, ...polling, intervalInMs: 0 }));
    const core = await createHttpPoller(coreLroOperation(service, { url, method }), { intervalInMs: 0 })
      .pollUntilDone()
      .then((result) => ({ status: "succeeded", result }), (error: Error) => ({ status: /cancel/i.test(error.message) ? "canceled" : "failed", result: undefined }));

    // A DELETE has no result in rx-lro (README: where it differs from core-lro, which returns the status body).
    expect({ status: rx.status, result: rx.result }).toEqual(method === "DELETE" ? { ...core, result: undefined } : core);
    expect(rx.status).toBe(script.error === undefined ? "succeeded" : script.statuses!.at(-1)!.toString().toLowerCase());
  });
});
