import { describe, expect, it } from "vitest";
import { firstValueFrom } from "rxjs";
import {
  azureAsyncOperationPolling,
  beginLro,
  LroBadResponseError,
  LroBadStatusError,
  resumeLro,
  type LroState,
} from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { advance, advanceTo, record, runToEnd } from "../support/virtual-time.js";

const resource = "https://management.example.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w?api-version=1";
const monitor = "https://management.example.com/subscriptions/s/providers/Microsoft.Demo/operations/op1?api-version=1";
const location = "https://management.example.com/subscriptions/s/providers/Microsoft.Demo/operationResults/op1?api-version=1";

const statuses = (states: LroState[]) => states.map((state) => `${state.status}:${state.providerStatus}`);

describe("azureAsyncOperationPolling", () => {
  it("polls the monitor on Retry-After, then GETs the PUT's resource", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", resource, { status: 201, headers: { "Azure-AsyncOperation": monitor, "Retry-After": "3" }, body: { properties: { provisioningState: "Accepted" } } })
      .on("GET", monitor,
        { status: 200, headers: { "retry-after": "5" }, body: { status: "InProgress", percentComplete: 40 } },
        { status: 200, body: { status: "Succeeded", percentComplete: 100 } })
      .on("GET", resource, { status: 200, body: { id: "w", properties: { provisioningState: "Succeeded" } } });

    const run = await runToEnd(beginLro({ url: resource, method: "PUT", json: {} }, { ...service.options, polling: azureAsyncOperationPolling() }), scheduler);

    expect(service.log).toEqual([`PUT ${resource} @0`, `GET ${monitor} @3000`, `GET ${monitor} @8000`, `GET ${resource} @8000`]);
    expect(statuses(run.values)).toEqual(["running:Accepted", "running:InProgress", "succeeded:Succeeded"]);
    expect(run.times).toEqual([0, 3000, 8000]);
    expect(run.values[1]).toMatchObject({ percentComplete: 40, retryAfterInMs: 5000, nextPollInMs: 5000, pollCount: 1, strategy: "azureAsyncOperation" });
    expect(run.values[2]).toMatchObject({
      status: "succeeded",
      result: { id: "w", properties: { provisioningState: "Succeeded" } },
      resultUrl: resource,
      pollingUrl: monitor,
      httpStatus: 200,
      pollCount: 2,
    });
    expect(run.values[2]!.nextPollInMs).toBeUndefined();
    expect(run.completed).toBe(true);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("waits the interval before the first poll when the initial response has no Retry-After, and polls at once on Retry-After: 0", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 200, headers: { "Retry-After": "0" }, body: { status: "Running" } }, { status: 200, body: { status: "Succeeded" } });

    await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 1500 }), scheduler);

    expect(service.log).toEqual([`POST ${resource} @0`, `GET ${monitor} @1500`, `GET ${monitor} @1500`]);
  });

  it("does not keep an earlier Retry-After: each response sets the next delay", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("DELETE", resource, { status: 202, headers: { "azure-asyncoperation": monitor, "retry-after": "10" } })
      .on("GET", monitor, { status: 200, body: { status: "Deleting" } }, { status: 200, body: { status: "Succeeded" } });

    await runToEnd(beginLro({ url: resource, method: "DELETE" }, { ...service.options, intervalInMs: 100 }), scheduler);

    expect(service.log).toEqual([`DELETE ${resource} @0`, `GET ${monitor} @10000`, `GET ${monitor} @10100`]);
  });

  it.each([
    ["POST with Location, default final-state-via: GET Location", "POST", undefined, { "azure-asyncoperation": monitor, location }, {}, location],
    ["POST with final-state-via azure-async-operation: the status body", "POST", "azure-async-operation", { "azure-asyncoperation": monitor, location }, {}, undefined],
    ["POST without Location: the status body", "POST", undefined, { "azure-asyncoperation": monitor }, {}, undefined],
    ["PATCH: the request URL", "PATCH", undefined, { "azure-asyncoperation": monitor, location }, {}, resource],
    ["PATCH with final-state-via location: Location", "PATCH", "location", { "azure-asyncoperation": monitor, location }, {}, location],
    ["PUT with final-state-via original-uri: the request URL", "PUT", "original-uri", { "azure-asyncoperation": monitor, location }, {}, resource],
    ["DELETE: no final GET", "DELETE", undefined, { "azure-asyncoperation": monitor, location }, {}, undefined],
    ["POST with resourceLocation in the status: GET it", "POST", undefined, { "azure-asyncoperation": monitor }, { resourceLocation: location }, location],
    ["DELETE with final-state-via location: Location", "DELETE", "location", { "azure-asyncoperation": monitor, location }, {}, location],
  ] as const)("final result of %s", async (_name, method, finalStateVia, headers, extra, expectedUrl) => {
    const { scheduler, service } = virtualService();
    const statusBody = { status: "Succeeded", ...extra };
    service
      .on(method, resource, { status: method === "PUT" ? 201 : 202, headers })
      .on("GET", monitor, { status: 200, body: statusBody })
      .on("GET", location, { status: 200, body: { from: "location" } })
      .on("GET", resource, { status: 200, body: { from: "resource" } });

    const run = await runToEnd(beginLro({ url: resource, method }, { ...service.options, intervalInMs: 0, ...(finalStateVia ? { finalStateVia } : {}) }), scheduler);

    const last = run.values.at(-1)!;
    expect(last.status).toBe("succeeded");
    if (expectedUrl === undefined) {
      expect(service.requests.map((request) => request.url)).not.toContain(location);
      expect(last.resultUrl).toBeUndefined();
      expect(last.result).toEqual(method === "DELETE" ? undefined : statusBody);
    } else {
      expect(service.requests.at(-1)!.url).toBe(expectedUrl);
      expect(last.resultUrl).toBe(expectedUrl);
      expect(last.result).toEqual({ from: expectedUrl === location ? "location" : "resource" });
    }
  });

  it("treats a 404 from a DELETE's final GET as success with no result", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("DELETE", resource, { status: 202, headers: { "azure-asyncoperation": monitor, location } })
      .on("GET", monitor, { status: 200, body: { status: "Succeeded" } })
      .on("GET", location, { status: 404, body: { error: { code: "ResourceNotFound", message: "gone" } } });

    const run = await runToEnd(beginLro({ url: resource, method: "DELETE" }, { ...service.options, intervalInMs: 0, finalStateVia: "location" }), scheduler);

    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: undefined, httpStatus: 404 });
  });

  it("emits a failed operation as its terminal state with the service's error, then completes", async () => {
    const { scheduler, service } = virtualService();
    const error = { code: "QuotaExceeded", message: "Too many widgets", details: [{ code: "Limit", message: "10" }] };
    service
      .on("PUT", resource, { status: 201, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 200, body: { status: "failed", error } });

    const run = await runToEnd(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.error).toBeUndefined();
    expect(run.completed).toBe(true);
    expect(run.values.at(-1)).toMatchObject({ status: "failed", providerStatus: "failed", error });
    expect(service.requests).toHaveLength(2);
  });

  it.each([["Canceled"], ["CANCELLED"]])("emits %s as canceled", async (word) => {
    const { scheduler, service } = virtualService();
    service.on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor } }).on("GET", monitor, { status: 200, body: { status: word } });

    const run = await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.at(-1)!.status).toBe("canceled");
  });

  it("matches status words exactly: NotSucceeded and Canceling keep it running", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 200, body: { status: "NotSucceeded" } }, { status: 200, body: { status: "Canceling" } }, { status: 200, body: { status: "Completed" } });

    const run = await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(statuses(run.values)).toEqual(["running:Accepted", "running:NotSucceeded", "running:Canceling", "succeeded:Completed"]);
  });

  it("completes without polling when an initial 200 already carries a terminal provisioningState", async () => {
    const { scheduler, service } = virtualService();
    const body = { id: "w", properties: { provisioningState: "Succeeded" } };
    service.on("PATCH", resource, { status: 200, headers: { "azure-asyncoperation": monitor }, body });

    const run = await runToEnd(beginLro({ url: resource, method: "PATCH" }, service.options), scheduler);

    expect(service.requests).toHaveLength(1);
    expect(run.values).toHaveLength(1);
    expect(run.values[0]).toMatchObject({ status: "succeeded", result: body, pollCount: 0 });
  });

  it("refreshes the polling URL from poll responses, but fetches a POST's result from the initial Location", async () => {
    const { scheduler, service } = virtualService();
    const monitor2 = `${monitor}&page=2`;
    const echoed = "https://management.example.com/subscriptions/s/providers/Microsoft.Demo/operationResults/echo?api-version=1";
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor, location } })
      .on("GET", monitor, { status: 200, headers: { "azure-asyncoperation": monitor2, location: echoed }, body: { status: "Running" } })
      .on("GET", monitor2, { status: 200, headers: { location: echoed }, body: { status: "Succeeded" } })
      .on("GET", location, { status: 200, body: { done: true } });

    const run = await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(service.requests.map((request) => request.url)).toEqual([resource, monitor, monitor2, location]);
    expect(run.values.at(-1)).toMatchObject({ result: { done: true }, resultUrl: location });
  });

  it("keeps the initial Location in a token taken after a poll echoed another: the resumed POST fetches its result there", async () => {
    const { scheduler, service } = virtualService();
    const echoed = "https://management.example.com/subscriptions/s/providers/Microsoft.Demo/operationResults/echo?api-version=1";
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor, location } })
      .on("GET", monitor, { status: 200, headers: { location: echoed }, body: { status: "Running" } });
    const run = record(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);
    await advance(scheduler, () => run.values.length === 2);
    run.subscription.unsubscribe();
    const token = run.values[1]!.continuationToken;

    service
      .on("GET", monitor, { status: 200, headers: { location: echoed }, body: { status: "Succeeded" } })
      .on("GET", location, { status: 200, body: { done: true } });
    const resumed = await runToEnd(resumeLro(token, { ...service.options, allowedHosts: ["management.example.com"] }), scheduler);

    expect(service.requests.slice(-2).map((request) => request.url)).toEqual([monitor, location]);
    expect(resumed.values.at(-1)).toMatchObject({ status: "succeeded", result: { done: true }, resultUrl: location });
  });

  it("does not take a Location from a poll when the initial response had none", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 200, headers: { location }, body: { status: "Succeeded", output: 1 } });

    const run = await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(service.requests.map((request) => request.url)).toEqual([resource, monitor]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { status: "Succeeded", output: 1 } });
  });

  it("resolves a relative polling URL against the initial request URL", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", resource, { status: 201, headers: { "azure-asyncoperation": "/subscriptions/s/providers/Microsoft.Demo/operations/op1?api-version=1" } })
      .on("GET", monitor, { status: 200, body: { status: "Succeeded" } })
      .on("GET", resource, { status: 200, body: { id: "w" } });

    const run = await runToEnd(beginLro({ url: resource, method: "PUT" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.values.at(-1)!.result).toEqual({ id: "w" });
    expect(run.values[0]!.pollingUrl).toBe(monitor);
  });

  it.each([
    ["a body without status", { percentComplete: 3 }, /has no `status`/],
    ["an empty body", undefined, /empty body/],
    ["invalid JSON", "{not json", /not valid JSON/],
    ["a non-string status", { status: 42 }, /not a string: 42/],
  ])("errors with LroBadResponseError and a continuation token on %s", async (_name, body, message) => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 200, body, headers: { "content-type": "application/json" } });

    const run = await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.error).toBeInstanceOf(LroBadResponseError);
    expect((run.error as Error).message).toMatch(message);
    const token = (run.error as LroBadResponseError).continuationToken;
    expect(token).toBe(run.values[0]!.continuationToken);
  });

  it("errors with LroBadStatusError when the monitor answers 4xx", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 403, body: { error: { code: "AuthorizationFailed", message: "no" } } });

    const run = await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect(run.error).toMatchObject({ httpStatus: 403, error: { code: "AuthorizationFailed" } });
    expect((run.error as Error).message).toContain("Unexpected HTTP status 403 while polling");
  });

  it("aborts the in-flight poll and fires no further timer on unsubscribe", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", resource, { status: 201, headers: { "azure-asyncoperation": monitor, "retry-after": "1" } })
      .on("GET", monitor, { status: 200, hang: true });

    const run = record(beginLro({ url: resource, method: "PUT" }, service.options), scheduler);
    await advance(scheduler, () => service.requests.length === 2);
    expect(service.requests[1]!.aborted()).toBe(false);

    run.subscription.unsubscribe();

    expect(service.requests[1]!.aborted()).toBe(true);
    await advanceTo(scheduler, 1_000_000);
    expect(service.requests).toHaveLength(2);
    expect(scheduler.actions).toHaveLength(0);
    expect(run.error).toBeUndefined();
  });

  it("cancels the pending timer on unsubscribe between polls", async () => {
    const { scheduler, service } = virtualService();
    service.on("PUT", resource, { status: 201, headers: { "azure-asyncoperation": monitor, "retry-after": "30" } });

    const run = record(beginLro({ url: resource, method: "PUT" }, service.options), scheduler);
    await advance(scheduler, () => run.values.length === 1);
    expect(scheduler.actions).toHaveLength(1);

    run.subscription.unsubscribe();

    expect(scheduler.actions).toHaveLength(0);
    await advanceTo(scheduler, 60_000);
    expect(service.requests).toHaveLength(1);
  });

  it("resumes from a continuation token taken mid-operation, polling at once", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", resource, { status: 201, headers: { "azure-asyncoperation": monitor, "retry-after": "60" } })
      .on("GET", monitor, { status: 200, body: { status: "Succeeded" } })
      .on("GET", resource, { status: 200, body: { id: "w" } });
    const first = record(beginLro({ url: resource, method: "PUT" }, service.options), scheduler);
    await advance(scheduler, () => first.values.length === 1);
    const token = first.values[0]!.continuationToken;
    first.subscription.unsubscribe();

    const resumed = resumeLro(token, { ...service.options, allowedHosts: ["management.example.com"] });
    await advanceTo(scheduler, 10);
    expect(service.requests).toHaveLength(1); // cold: nothing sent before subscribe

    const run = await runToEnd(resumed, scheduler);

    expect(service.log.slice(1)).toEqual([`GET ${monitor} @10`, `GET ${resource} @10`]);
    expect(run.values.map((state) => state.status)).toEqual(["succeeded"]);
    expect(run.values[0]!.result).toEqual({ id: "w" });
  });

  it("is cold and sends its own initial request per subscription", async () => {
    const { scheduler, service } = virtualService();
    service.on("PUT", resource, { status: 200, body: { properties: { provisioningState: "Succeeded" } } });
    const states$ = beginLro({ url: resource, method: "PUT" }, service.options);
    await advanceTo(scheduler, 100);
    expect(service.requests).toHaveLength(0);

    const [a, b] = await Promise.all([firstValueFrom(states$), firstValueFrom(states$)]);

    expect(a.status).toBe("succeeded");
    expect(b.status).toBe("succeeded");
    expect(service.requests).toHaveLength(2);
  });

  it("says whether it can poll an initial response", async () => {
    const { service } = virtualService();
    service.on("PUT", resource, { status: 201, headers: { "Azure-AsyncOperation": monitor } });
    const withHeader = await firstValueFrom(beginLro({ url: resource, method: "PUT" }, service.options));
    const polling = azureAsyncOperationPolling();
    expect(polling.canPoll(withHeader.rawResponse!)).toBe(true);
    service.on("PUT", resource, { status: 201, headers: { location } });
    const withoutHeader = await firstValueFrom(beginLro({ url: resource, method: "PUT" }, service.options));
    expect(polling.canPoll(withoutHeader.rawResponse!)).toBe(false);
  });
});

describe("Retry-After: 0", () => {
  it("means poll now once; repeated, the polls are spaced 10 ms, 20 ms, … up to the interval, so a service cannot make the client spin", async () => {
    const { scheduler, service } = virtualService();
    const now = { status: 200, headers: { "retry-after": "0" }, body: { status: "Running" } };
    service
      .on("POST", resource, { status: 202, headers: { "azure-asyncoperation": monitor, "retry-after": "0" } })
      .on("GET", monitor, now, now, now, now, now, now, now, now, { status: 200, headers: { "retry-after": "1" }, body: { status: "Running" } }, now, { status: 200, body: { status: "Succeeded" } });

    const run = await runToEnd(beginLro({ url: resource, method: "POST" }, { ...service.options, intervalInMs: 100 }), scheduler);

    // The initial response and eight polls ask for "now"; the ninth for 1 s, resetting the streak.
    expect(service.requests.map((request) => request.at)).toEqual([0, 0, 10, 30, 70, 150, 250, 350, 450, 550, 1550, 1550]);
    expect(run.values.map((state) => state.nextPollInMs)).toEqual([0, 10, 20, 40, 80, 100, 100, 100, 100, 1000, 0, undefined]);
  });
});
