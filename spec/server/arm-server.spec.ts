// The ARM demo server's protocol, over real HTTP on 127.0.0.1, with an injected clock: status
// codes and headers per method and header model, how the status resource, the Location URL and
// the resource progress with time to each outcome, validation errors, the admin record, static
// files, and robustness against garbage and failing hooks.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { request as httpRequest, Agent, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startArmServer, type ArmServer, type ArmServerOptions } from "../../server/index.js";
import { hasOpenssl, selfSignedLoopbackCertificate } from "../faults/support/self-signed.js";

const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);
let clock = t0;
const now = () => clock;

const sub = "sub-1";
const rg = "rg-1";
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: any;
}

async function call(method: string, url: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A request with a raw, unnormalised path (fetch would resolve `..`). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; contentType: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "GET", headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, contentType: res.headers["content-type"] }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Sends raw bytes and returns what comes back before the server closes the connection. */
function rawSocket(port: number, bytes: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (received += chunk));
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(received);
    });
  });
}

let server: ArmServer;
const servers: ArmServer[] = [];

async function extraServer(options: ArmServerOptions): Promise<ArmServer> {
  const started = await startArmServer({ now, ...options });
  servers.push(started);
  return started;
}

const widgetUrl = (name: string, query: Record<string, string | number> = {}, action?: "restart" | "migrate") =>
  server.resourceUrl(name, { subscription: sub, resourceGroup: rg, query, ...(action === undefined ? {} : { action }) });

const statusUrlOf = (id: string, region = "westeurope") =>
  `${server.url}/subscriptions/${sub}/providers/Microsoft.Demo/locations/${region}/operationStatuses/${id}?api-version=2024-01-01`;
const resultUrlOf = (id: string, region = "westeurope") =>
  `${server.url}/subscriptions/${sub}/providers/Microsoft.Demo/locations/${region}/operationResults/${id}?api-version=2024-01-01`;

const resourceId = (name: string) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Demo/widgets/${name}`;

/** Creates a widget and lets its creation finish. */
async function createWidget(name: string, properties: Record<string, unknown> = { size: 3 }): Promise<void> {
  const put = await call("PUT", widgetUrl(name, { duration: 100 }), { body: { location: "westeurope", properties } });
  expect(put.status).toBe(201);
  clock += 100;
}

beforeAll(async () => {
  server = await startArmServer({ now, duration: 1000 });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  clock = t0;
  server.reset();
  server.setHooks(undefined);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((started) => started.close()));
});

describe("startArmServer", () => {
  it("listens on 127.0.0.1 on a free port, and refuses bad options", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    await expect(startArmServer({ duration: -1 })).rejects.toThrow(TypeError);
    await expect(startArmServer({ apiVersions: [] })).rejects.toThrow(TypeError);
    await expect(startArmServer({ staticDir: "/definitely/not/here" })).rejects.toThrow();
  });

  it("close() ends keep-alive connections, and is idempotent", async () => {
    const extra = await extraServer({});
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${extra.url}/_admin/stats`, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    const started = Date.now();
    await Promise.all([extra.close(), extra.close()]);
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });
});

describe("initial responses: status code and headers per method and header model", () => {
  const cases = [
    { method: "PUT", status: 201, defaultModel: "azure-async-operation" },
    { method: "PATCH", status: 202, defaultModel: "location" },
    { method: "DELETE", status: 202, defaultModel: "location" },
    { method: "POST restart", status: 202, defaultModel: "location" },
    { method: "POST migrate", status: 202, defaultModel: "location" },
  ] as const;
  const models = [undefined, "azure-async-operation", "location", "both", "resource-location"] as const;

  for (const { method, status, defaultModel } of cases) {
    for (const model of models) {
      const effective = model ?? defaultModel;
      it(`${method} with ${model ?? "the default"} header model: ${status} + ${effective}`, async () => {
        if (method !== "PUT") await createWidget("w1");
        const query: Record<string, string> = model === undefined ? {} : { lroHeaders: model };
        const [verb, action] = method.split(" ") as [string, "restart" | "migrate" | undefined];
        const url = widgetUrl("w1", query, action);
        const answer = await call(verb, url, verb === "PUT" || verb === "PATCH" ? { body: { location: "westeurope", properties: { size: 4 } } } : {});
        expect(answer.status).toBe(status);
        const id = answer.headers.get("x-demo-operation-id") ?? "";
        expect(id).toMatch(uuid);
        const aao = effective === "azure-async-operation" || effective === "both";
        const loc = effective === "location" || effective === "both";
        expect(answer.headers.get("azure-asyncoperation")).toBe(aao ? statusUrlOf(id) : null);
        const resourceLocation = `${server.url}${resourceId("w1")}?api-version=2024-01-01`;
        expect(answer.headers.get("location")).toBe(loc ? resultUrlOf(id) : effective === "resource-location" ? resourceLocation : null);
        expect(answer.headers.get("retry-after")).toBe("1");
        if (verb === "PUT") {
          expect(answer.json).toEqual({
            id: resourceId("w1"),
            name: "w1",
            type: "Microsoft.Demo/widgets",
            location: "westeurope",
            properties: { size: 4, provisioningState: "Accepted" },
          });
        } else {
          expect(answer.text).toBe("");
          expect(answer.headers.get("content-length")).toBe("0");
        }
        expect(server.operation(id)).toMatchObject({ method: verb, lroHeaders: effective, status: "Accepted", terminal: false });
      });
    }
  }

  it("takes the header model from the x-demo-lro-headers header too; the query wins", async () => {
    const byHeader = await call("PUT", widgetUrl("w1"), { body: {}, headers: { "x-demo-lro-headers": "both" } });
    expect(byHeader.headers.get("azure-asyncoperation")).not.toBeNull();
    expect(byHeader.headers.get("location")).not.toBeNull();
    const queryWins = await call("PUT", widgetUrl("w2", { lroHeaders: "location" }), { body: {}, headers: { "x-demo-lro-headers": "both" } });
    expect(queryWins.headers.get("azure-asyncoperation")).toBeNull();
    expect(queryWins.headers.get("location")).not.toBeNull();
  });

  it("applies the server's lroHeaders default to every method", async () => {
    const extra = await extraServer({ lroHeaders: "both" });
    const put = await call("PUT", extra.resourceUrl("w"), { body: {} });
    expect(put.headers.get("azure-asyncoperation")).not.toBeNull();
    expect(put.headers.get("location")).not.toBeNull();
  });

  it("PUT without location uses the default; names, regions and properties are normalised", async () => {
    const put = await call("PUT", widgetUrl("Widget.A-1"), { body: { location: "North Europe", properties: { size: 1, provisioningState: "Hacked" }, tags: { env: "test" } } });
    expect(put.status).toBe(201);
    expect(put.json).toEqual({
      id: resourceId("Widget.A-1"),
      name: "Widget.A-1",
      type: "Microsoft.Demo/widgets",
      location: "North Europe",
      tags: { env: "test" },
      properties: { size: 1, provisioningState: "Accepted" },
    });
    const id = put.headers.get("x-demo-operation-id") ?? "";
    expect(put.headers.get("azure-asyncoperation")).toBe(statusUrlOf(id, "northeurope"));
    const bare = await call("PUT", widgetUrl("w2"), { body: {} });
    expect(bare.json.location).toBe("westeurope");
  });

  it("matches ARM's fixed path segments case-insensitively", async () => {
    const url = `${server.url}/SUBSCRIPTIONS/${sub}/resourcegroups/${rg}/PROVIDERS/microsoft.demo/WIDGETS/w1?api-version=2024-01-01`;
    expect((await call("PUT", url, { body: {} })).status).toBe(201);
    expect((await call("GET", widgetUrl("W1"))).json.name).toBe("w1");
  });
});

describe("the status resource (Azure-AsyncOperation) progresses with time", () => {
  async function start(query: Record<string, string | number>, method = "PUT"): Promise<string> {
    if (method !== "PUT") await createWidget("w1");
    const answer = await call(method, widgetUrl("w1", { lroHeaders: "azure-async-operation", ...query }), { body: { properties: { size: 1 } } });
    return answer.headers.get("azure-asyncoperation") ?? "";
  }

  it("Accepted → InProgress → Succeeded, with percentComplete, Retry-After and endTime", async () => {
    const started = clock;
    const url = await start({ duration: 1000 });
    const id = url.split("/operationStatuses/")[1]!.split("?")[0]!;
    const base = {
      id: `/subscriptions/${sub}/providers/Microsoft.Demo/locations/westeurope/operationStatuses/${id}`,
      name: id,
      resourceId: resourceId("w1"),
      startTime: new Date(started).toISOString(),
    };

    const accepted = await call("GET", url);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("retry-after")).toBe("1");
    expect(accepted.json).toEqual({ ...base, status: "Accepted", percentComplete: 0 });

    clock = started + 199;
    expect((await call("GET", url)).json.status).toBe("Accepted");

    clock = started + 500;
    const running = await call("GET", url);
    expect(running.headers.get("retry-after")).toBe("1");
    expect(running.json).toEqual({ ...base, status: "InProgress", percentComplete: 50 });

    clock = started + 999;
    expect((await call("GET", url)).json).toMatchObject({ status: "InProgress", percentComplete: 99 });

    clock = started + 1000;
    const done = await call("GET", url);
    expect(done.headers.get("retry-after")).toBeNull();
    expect(done.json).toEqual({ ...base, status: "Succeeded", percentComplete: 100, endTime: new Date(started + 1000).toISOString() });
  });

  it("Failed, with the ARM error (errorCode knob and default QuotaExceeded)", async () => {
    const url = await start({ duration: 100, outcome: "fail" });
    clock += 100;
    const failed = await call("GET", url);
    expect(failed.json.status).toBe("Failed");
    expect(failed.json.error).toEqual({
      code: "QuotaExceeded",
      message: expect.stringMatching(/^The creation of widget 'w1' \(operation [0-9a-f-]+\) failed: QuotaExceeded\.$/),
      details: [{ code: "QuotaExceeded", message: "Simulated failure (outcome=fail) in region 'westeurope'.", target: resourceId("w1") }],
    });
    const custom = await start({ duration: 0, outcome: "fail", errorCode: "Conflict.Demo" }, "PATCH");
    expect((await call("GET", custom)).json.error.code).toBe("Conflict.Demo");
  });

  it("Canceled, with an OperationCanceled error", async () => {
    const url = await start({ duration: 100, outcome: "cancel" });
    clock += 150;
    const canceled = await call("GET", url);
    expect(canceled.json).toMatchObject({ status: "Canceled", percentComplete: 100, error: { code: "OperationCanceled" } });
  });

  it("omits percentComplete on request, uses provider words when configured, and reports the migration result", async () => {
    const url = await start({ duration: 100, percentComplete: "false" });
    clock += 50;
    expect((await call("GET", url)).json).not.toHaveProperty("percentComplete");

    const extra = await extraServer({ progressWords: "provider", duration: 100 });
    const put = await call("PUT", extra.resourceUrl("w"), { body: {} });
    clock += 50;
    expect((await call("GET", put.headers.get("azure-asyncoperation")!)).json.status).toBe("Creating");

    const migrate = await start({ duration: 100 }, "POST");
    expect(migrate).toBe(""); // POST defaults to Location; ask for the status resource explicitly
    const post = await call("POST", widgetUrl("w1", { lroHeaders: "azure-async-operation", duration: 100 }, "migrate"), { body: { items: 7 } });
    clock += 100;
    const done = await call("GET", post.headers.get("azure-asyncoperation")!);
    expect(done.json.status).toBe("Succeeded");
    expect(done.json.properties).toEqual({ migrationId: expect.stringMatching(uuid), widget: "w1", sourceLocation: "westeurope", targetLocation: "westeurope", movedItems: 7 });
  });

  it("Retry-After follows the knobs: 0, none, and retry-after-ms", async () => {
    const zero = await call("PUT", widgetUrl("a", { retryAfter: 0 }), { body: {} });
    expect(zero.headers.get("retry-after")).toBe("0");
    expect((await call("GET", zero.headers.get("azure-asyncoperation")!)).headers.get("retry-after")).toBe("0");
    const none = await call("PUT", widgetUrl("b", { retryAfter: "none" }), { body: {} });
    expect(none.headers.get("retry-after")).toBeNull();
    const ms = await call("PUT", widgetUrl("c"), { body: {}, headers: { "x-demo-retry-after-ms": "250", "x-demo-retry-after": "2" } });
    expect(ms.headers.get("retry-after")).toBe("2");
    expect(ms.headers.get("retry-after-ms")).toBe("250");
  });

  it("answers 404 OperationNotFound for an unknown id, or a known id under another subscription or region", async () => {
    const url = await start({});
    const id = url.split("/operationStatuses/")[1]!.split("?")[0]!;
    for (const bad of [statusUrlOf("nope"), statusUrlOf(id, "northeurope"), url.replace(`/subscriptions/${sub}/`, "/subscriptions/other/")]) {
      const answer = await call("GET", bad);
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe("OperationNotFound");
    }
  });
});

describe("the Location URL: 202 while running, then the result", () => {
  async function start(method: string, query: Record<string, string | number>, body?: unknown): Promise<string> {
    const [verb, action] = method.split(" ") as [string, "restart" | "migrate" | undefined];
    const answer = await call(verb, widgetUrl("w1", { lroHeaders: "location", duration: 1000, ...query }, action), body === undefined ? {} : { body });
    const location = answer.headers.get("location");
    expect(location).not.toBeNull();
    return location!;
  }

  async function expectRunning(url: string): Promise<void> {
    const running = await call("GET", url);
    expect(running.status).toBe(202);
    expect(running.headers.get("location")).toBe(url);
    expect(running.headers.get("retry-after")).toBe("1");
    expect(running.text).toBe("");
  }

  it("PUT: 200 with the resource, Succeeded", async () => {
    const url = await start("PUT", {}, { location: "westeurope", properties: { size: 9 } });
    await expectRunning(url);
    clock += 500;
    await expectRunning(url);
    clock += 500;
    const done = await call("GET", url);
    expect(done.status).toBe(200);
    expect(done.headers.get("location")).toBeNull();
    expect(done.headers.get("retry-after")).toBeNull();
    expect(done.json).toEqual({
      id: resourceId("w1"),
      name: "w1",
      type: "Microsoft.Demo/widgets",
      location: "westeurope",
      properties: { size: 9, provisioningState: "Succeeded" },
    });
  });

  it("PATCH: 200 with the merged resource (null removes a property)", async () => {
    await createWidget("w1", { size: 3, color: "red", keep: true });
    const url = await start("PATCH", {}, { properties: { size: 5, color: null } });
    await expectRunning(url);
    clock += 1000;
    expect((await call("GET", url)).json.properties).toEqual({ size: 5, keep: true, provisioningState: "Succeeded" });
  });

  it("DELETE: 204, then the resource is gone (GET 404 ResourceNotFound); deleting nothing is a 204 at once", async () => {
    await createWidget("w1");
    const url = await start("DELETE", {});
    await expectRunning(url);
    expect((await call("GET", widgetUrl("w1"))).json.properties.provisioningState).toBe("Accepted");
    clock += 1000;
    const done = await call("GET", url);
    expect(done.status).toBe(204);
    expect(done.text).toBe("");
    const gone = await call("GET", widgetUrl("w1"));
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({
      error: { code: "ResourceNotFound", message: `The Resource 'Microsoft.Demo/widgets/w1' under resource group '${rg}' was not found.` },
    });
    const again = await call("DELETE", widgetUrl("w1"));
    expect(again.status).toBe(204);
    expect(again.headers.get("location")).toBeNull();
  });

  it("POST restart: 204", async () => {
    await createWidget("w1");
    const url = await start("POST restart", {});
    await expectRunning(url);
    clock += 1000;
    expect((await call("GET", url)).status).toBe(204);
  });

  it("POST migrate: 200 with the migration result", async () => {
    await createWidget("w1");
    const url = await start("POST migrate", {}, { targetLocation: "northeurope", items: 12 });
    await expectRunning(url);
    clock += 1000;
    const done = await call("GET", url);
    expect(done.status).toBe(200);
    expect(done.json).toEqual({
      migrationId: expect.stringMatching(uuid),
      widget: "w1",
      sourceLocation: "westeurope",
      targetLocation: "northeurope",
      movedItems: 12,
    });
    // Without a body: defaults.
    const bare = await start("POST migrate", { duration: 0 });
    expect((await call("GET", bare)).json).toMatchObject({ targetLocation: "westeurope", movedItems: 42 });
  });

  for (const [outcome, word] of [
    ["fail", "Failed"],
    ["cancel", "Canceled"],
  ] as const) {
    it(`a ${outcome}ed operation: 200 with status ${word}, the error and provisioningState ${word}`, async () => {
      await createWidget("w1");
      const url = await start("POST restart", { outcome });
      clock += 1000;
      const done = await call("GET", url);
      expect(done.status).toBe(200);
      expect(done.json).toEqual({
        id: resourceId("w1"),
        name: "w1",
        status: word,
        error: expect.objectContaining({ code: outcome === "fail" ? "QuotaExceeded" : "OperationCanceled" }),
        properties: { provisioningState: word },
      });
    });
  }
});

describe("the resource follows its provisioning operation", () => {
  it("Accepted → Creating → Succeeded for a creation", async () => {
    await call("PUT", widgetUrl("w1", { duration: 1000 }), { body: { properties: { size: 2 } } });
    const state = async () => (await call("GET", widgetUrl("w1"))).json.properties.provisioningState;
    expect(await state()).toBe("Accepted");
    clock += 200;
    expect(await state()).toBe("Creating");
    clock += 800;
    expect(await state()).toBe("Succeeded");
  });

  it("Updating, then Failed with the properties from before a failed update", async () => {
    await createWidget("w1", { size: 3 });
    await call("PATCH", widgetUrl("w1", { duration: 1000, outcome: "fail" }), { body: { properties: { size: 99 } } });
    clock += 500;
    expect((await call("GET", widgetUrl("w1"))).json.properties).toEqual({ size: 99, provisioningState: "Updating" });
    clock += 500;
    expect((await call("GET", widgetUrl("w1"))).json.properties).toEqual({ size: 3, provisioningState: "Failed" });
  });

  it("a failed creation leaves the widget, Failed; a canceled deletion leaves it too", async () => {
    await call("PUT", widgetUrl("w1", { duration: 10, outcome: "fail" }), { body: {} });
    clock += 10;
    expect((await call("GET", widgetUrl("w1"))).json.properties.provisioningState).toBe("Failed");
    await call("DELETE", widgetUrl("w1", { duration: 10, outcome: "cancel" }));
    clock += 500;
    expect((await call("GET", widgetUrl("w1"))).json.properties.provisioningState).toBe("Canceled");
  });

  it("actions do not provision; PATCH and actions on an unknown widget are 404", async () => {
    await createWidget("w1");
    await call("POST", widgetUrl("w1", { duration: 1000 }, "restart"));
    expect((await call("GET", widgetUrl("w1"))).json.properties.provisioningState).toBe("Succeeded");
    for (const [method, action] of [["PATCH", undefined], ["POST", "restart"], ["POST", "migrate"]] as const) {
      const answer = await call(method, widgetUrl("ghost", {}, action), { body: {} });
      expect(answer.status).toBe(404);
      expect(answer.json.error.code).toBe("ResourceNotFound");
    }
  });

  it("lists the widgets of a resource group", async () => {
    await createWidget("a");
    await createWidget("b");
    const list = await call("GET", `${server.url}/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Demo/widgets?api-version=2024-01-01`);
    expect(list.status).toBe(200);
    expect(list.json.value.map((widget: { name: string }) => widget.name)).toEqual(["a", "b"]);
  });

  it("with conflictOnBusy, refuses a second PUT/PATCH/DELETE while one runs (409)", async () => {
    const extra = await extraServer({ conflictOnBusy: true, duration: 1000 });
    expect((await call("PUT", extra.resourceUrl("w"), { body: {} })).status).toBe(201);
    const busy = await call("PATCH", extra.resourceUrl("w"), { body: {} });
    expect(busy.status).toBe(409);
    expect(busy.json.error.code).toBe("AnotherOperationInProgress");
    clock += 1000;
    expect((await call("PATCH", extra.resourceUrl("w"), { body: {} })).status).toBe(202);
  });

  it("refuses to move an existing widget to another region (409)", async () => {
    await createWidget("w1");
    const moved = await call("PUT", widgetUrl("w1"), { body: { location: "eastus" } });
    expect(moved.status).toBe(409);
    expect(moved.json.error.code).toBe("InvalidResourceLocation");
  });
});

describe("validation and errors, all as ARM error bodies", () => {
  it("api-version: missing → MissingApiVersionParameter, unknown → InvalidApiVersionParameter (resource and operation routes)", async () => {
    const bare = `${server.url}/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Demo/widgets/w1`;
    const missing = await call("PUT", bare, { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({
      error: { code: "MissingApiVersionParameter", message: "The api-version query parameter (?api-version=) is required for all requests." },
    });
    const unknown = await call("GET", `${bare}?api-version=2019-01-01`);
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({
      error: { code: "InvalidApiVersionParameter", message: "The api-version '2019-01-01' is invalid. The supported versions are '2024-01-01'." },
    });
    const status = await call("GET", statusUrlOf("x").replace("?api-version=2024-01-01", ""));
    expect(status.json.error.code).toBe("MissingApiVersionParameter");
    expect(server.operations()).toEqual([]);
  });

  it("accepts a configured set of api-versions, and the operation URLs carry the one used", async () => {
    const extra = await extraServer({ apiVersions: ["2023-05-01", "2024-06-01-preview"] });
    const put = await call("PUT", extra.resourceUrl("w", { apiVersion: "2024-06-01-preview" }), { body: {} });
    expect(put.status).toBe(201);
    expect(put.headers.get("azure-asyncoperation")).toMatch(/\?api-version=2024-06-01-preview$/);
    expect((await call("GET", extra.resourceUrl("w", { apiVersion: "2024-01-01" }))).status).toBe(400);
  });

  it("unknown routes: 404 NotFound", async () => {
    for (const path of ["/", "/nope", "/subscriptions", `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Other/widgets/w`, `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Demo/widgets/w/explode`, "/_admin/nope"]) {
      const answer = await call("GET", `${server.url}${path}?api-version=2024-01-01`);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ error: { code: "NotFound", message: `No route matches '${path}'.` } });
    }
  });

  it("wrong method: 405 MethodNotAllowed with Allow", async () => {
    const restart = await call("GET", widgetUrl("w1", {}, "restart"));
    expect(restart.status).toBe(405);
    expect(restart.headers.get("allow")).toBe("POST");
    expect(restart.json).toEqual({ error: { code: "MethodNotAllowed", message: "The method 'GET' is not allowed here; allowed: POST." } });
    const status = await call("DELETE", statusUrlOf("x"));
    expect(status.status).toBe(405);
    expect(status.headers.get("allow")).toBe("GET, HEAD");
    expect((await call("POST", widgetUrl("w1"), { body: {} })).headers.get("allow")).toBe("GET, HEAD, PUT, PATCH, DELETE");
    expect((await call("GET", `${server.url}/_admin/reset`)).status).toBe(405);
  });

  it("malformed or mistyped bodies: 400 InvalidRequestContent, and no operation", async () => {
    const malformed = await call("PUT", widgetUrl("w1"), { raw: '{"location": "westeurope",' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.code).toBe("InvalidRequestContent");
    expect(malformed.json.error.message).toMatch(/^The request content was invalid and could not be deserialized: /);
    for (const body of [undefined, [1], "text", { properties: [1] }, { location: 3 }, { tags: { a: 1 } }]) {
      const answer = await call("PUT", widgetUrl("w1"), body === undefined ? {} : { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.error.code).toBe("InvalidRequestContent");
    }
    await createWidget("w1");
    expect((await call("POST", widgetUrl("w1", {}, "migrate"), { body: { items: -1 } })).status).toBe(400);
    expect((await call("POST", widgetUrl("w1", {}, "restart"), { raw: "not json" })).status).toBe(400);
    expect(server.operations().map((operation) => operation.kind)).toEqual(["create"]);
    // A refused request on an existing widget is not attributed to the widget's operation.
    const [create] = server.operations();
    await call("PATCH", widgetUrl("w1"), { raw: "{" });
    expect(server.requests(create!.id).map((record) => record.kind)).toEqual(["initial"]);
    expect(server.requests({ limit: 1 })[0]).toMatchObject({ kind: "initial", status: 400 });
    expect(server.requests({ limit: 1 })[0]).not.toHaveProperty("operationId");
  });

  it("invalid names and knobs: 400", async () => {
    const name = await call("PUT", widgetUrl("-bad"), { body: {} });
    expect(name.status).toBe(400);
    expect(name.json.error.code).toBe("InvalidResourceName");
    for (const [knob, value] of [["duration", "-1"], ["duration", "1.5"], ["retryAfter", "soon"], ["outcome", "explode"], ["lroHeaders", "operation-location"], ["percentComplete", "maybe"], ["errorCode", "bad code!"]]) {
      const answer = await call("PUT", widgetUrl("w1", { [knob as string]: value as string }), { body: {} });
      expect(answer.status, knob).toBe(400);
      expect(answer.json.error.code).toBe("InvalidDemoParameter");
    }
    const header = await call("PUT", widgetUrl("w1"), { body: {}, headers: { "x-demo-outcome": "nope" } });
    expect(header.json.error.message).toBe("The value 'nope' of 'outcome' (or 'x-demo-outcome') is invalid: expected succeed | fail | cancel.");
  });

  it("bodies over the limit: 413, and the connection stays usable", async () => {
    const extra = await extraServer({ maxBodyBytes: 1024 });
    const big = await call("PUT", extra.resourceUrl("w"), { body: { properties: { blob: "x".repeat(2000) } } });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe("RequestEntityTooLarge");
    expect((await call("PUT", extra.resourceUrl("w"), { body: { properties: { blob: "x".repeat(500) } } })).status).toBe(201);
    // The default limit is 1 MiB.
    const huge = await call("PUT", widgetUrl("w1"), { body: { properties: { blob: "x".repeat(1024 * 1024) } } });
    expect(huge.status).toBe(413);
    expect(server.operations()).toEqual([]);
  });

  it("malformed percent-encoding: 400 InvalidRequestUri", async () => {
    const answer = await rawGet(server.port, `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Demo/widgets/%E0%A4%A?api-version=2024-01-01`);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.code).toBe("InvalidRequestUri");
  });
});

describe("robustness", () => {
  it("answers garbage on the socket with 400, records it, and keeps serving", async () => {
    const garbage = await rawSocket(server.port, "\x00\x01GARBAGE \r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const overflow = await rawSocket(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(overflow).toMatch(/^HTTP\/1\.1 431 /);
    // A body that never comes: the server waits, the client gives up; recorded as abandoned (status 0).
    const halfSent = await rawSocket(server.port, "PUT /subscriptions/s/resourceGroups/r/providers/Microsoft.Demo/widgets/w?api-version=2024-01-01 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", 200);
    expect(halfSent).toBe("");
    await vi.waitFor(() => expect(server.stats().requests.abandoned).toBe(1));
    expect((await call("GET", `${server.url}/_admin/stats`)).status).toBe(200);
    expect(server.stats().requests).toMatchObject({ byStatus: { "0": 1, "400": 1, "431": 1, "200": 1 }, abandoned: 1 });
    expect(server.requests().map((record) => [record.kind, record.method, record.status])).toEqual([
      ["other", "-", 400],
      ["other", "-", 431],
      ["initial", "PUT", 0],
    ]);
    expect(server.operations()).toEqual([]);
  });

  it("survives a seeded fuzz of methods, paths, headers and bodies, answering each with a status", async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const widget = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Demo/widgets/w`;
    const paths = [widget, `${widget}/restart`, `${widget}/migrate`, `/subscriptions/${sub}/providers/Microsoft.Demo/locations/westeurope/operationStatuses/x`, "/_admin/stats", "/_admin/operations/%zz", "/%", "//", "/subscriptions//resourceGroups", `${widget}%00`, "/" + "a/".repeat(200)];
    const queries = ["", "?api-version=2024-01-01", "?api-version=2024-01-01&duration=abc", "?api-version=2024-01-01&lroHeaders=both&outcome=cancel", "?api-version=%", "?&&=&"];
    const bodies = ["", "{}", "{", "null", "[]", '{"properties":null}', '{"location":""}', "\u0000\u00ff", '{"properties":{"size":1e400}}', "x".repeat(3000)];
    const methods = ["GET", "PUT", "PATCH", "DELETE", "POST", "HEAD", "OPTIONS", "TRACE", "BREW"];
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const body = pick(bodies);
      const head = `${pick(methods)} ${pick(paths)}${pick(queries)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${pick(["", "x-demo-duration: -5\r\n", "x-demo-lro-headers: both\r\n", "Content-Type: text/plain\r\n"])}`;
      const answer = await rawSocket(server.port, `${head}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`, 1000);
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1]);
      expect(status, head).toBeGreaterThanOrEqual(200);
      expect(status, head).toBeLessThan(500);
      statuses.add(status);
    }
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 404, 405]));
    expect(server.stats().requests.byStatus["500"]).toBeUndefined();
  });

  it("a throwing hook is a 500 ARM error, not a crash; onError hears of it", async () => {
    const errors: unknown[] = [];
    const extra = await extraServer({
      onError: (error) => errors.push(error),
      hooks: {
        beforeHandle() {
          throw new Error("boom");
        },
      },
    });
    const answer = await call("PUT", extra.resourceUrl("w"), { body: {} });
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: { code: "InternalServerError", message: "The server failed to process the request: boom" } });
    expect(errors).toHaveLength(1);
    extra.setHooks({ beforeRespond: async () => Promise.reject(new Error("late boom")) });
    expect((await call("PUT", extra.resourceUrl("w"), { body: {} })).status).toBe(500);
    extra.setHooks(undefined);
    expect((await call("PUT", extra.resourceUrl("w"), { body: {} })).status).toBe(201);
  });

  it("hooks can answer instead of the handler (no operation is started) or replace a response; both are recorded", async () => {
    const seen: string[] = [];
    server.setHooks({
      beforeHandle(context) {
        seen.push(`${context.kind} ${context.route} ${context.operationId ?? "-"}`);
        if (context.kind === "initial" && context.query.get("throttle") === "1") {
          return { status: 429, headers: { "retry-after": "7" }, body: { error: { code: "TooManyRequests", message: "slow down" } } };
        }
        return undefined;
      },
      async beforeRespond(context, response) {
        if (context.kind === "statusPoll") return { ...response, headers: { ...response.headers, "x-fault": "yes" } };
        return undefined;
      },
    });
    const throttled = await call("PUT", widgetUrl("w1", { throttle: 1 }), { body: {} });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    expect(server.operations()).toEqual([]);
    const put = await call("PUT", widgetUrl("w1"), { body: {} });
    const id = put.headers.get("x-demo-operation-id")!;
    const poll = await call("GET", put.headers.get("azure-asyncoperation")!);
    expect(poll.headers.get("x-fault")).toBe("yes");
    expect(seen).toEqual(["initial widget -", "initial widget -", `statusPoll operationStatus ${id}`]);
    expect(server.requests().map((record) => [record.kind, record.status, record.intercepted ?? false])).toEqual([
      ["initial", 429, true],
      ["initial", 201, false],
      ["statusPoll", 200, true],
    ]);
    expect(server.operation(id)?.statusPolls).toBe(1);
    expect(server.stats().requests.intercepted).toBe(2);
  });

  it("answers CORS preflights and exposes the LRO headers when cors is on", async () => {
    const extra = await extraServer({ cors: true });
    const preflight = await call("OPTIONS", extra.resourceUrl("w"), { headers: { origin: "http://x", "access-control-request-method": "PUT", "access-control-request-headers": "content-type" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, HEAD, PUT, PATCH, DELETE");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
    const put = await call("PUT", extra.resourceUrl("w"), { body: {} });
    expect(put.headers.get("access-control-allow-origin")).toBe("*");
    expect(put.headers.get("access-control-expose-headers")).toContain("azure-asyncoperation");
    expect(extra.stats().requests.byKind.preflight).toBe(1);
    expect((await call("OPTIONS", widgetUrl("w"))).status).toBe(405);
  });

  it("echoes x-ms-client-request-id and gives every answer an x-ms-request-id", async () => {
    const answer = await call("GET", widgetUrl("nope"), { headers: { "x-ms-client-request-id": "abc-123" } });
    expect(answer.headers.get("x-ms-client-request-id")).toBe("abc-123");
    expect(answer.headers.get("x-ms-request-id")).toMatch(uuid);
  });
});

/** What a GET saw on the wire: the head, the body bytes that came, and how it ended. */
interface WireAnswer {
  readonly status?: number;
  readonly rawHeaders?: readonly string[];
  readonly contentLength?: number;
  readonly body: string;
  /** `end`: the body was complete; `error: CODE`: the connection failed; `waited`: still open after `waitMs`. */
  readonly ending: string;
}

function wireGet(url: string, waitMs = 1000): Promise<WireAnswer> {
  return new Promise((resolve) => {
    let response: IncomingMessage | undefined;
    let body = "";
    const head = () => ({
      ...(response === undefined ? {} : { status: response.statusCode, rawHeaders: response.rawHeaders, contentLength: Number(response.headers["content-length"]) }),
    });
    const finish = (ending: string) => {
      clearTimeout(timer);
      resolve({ ...head(), body, ending });
      req.destroy();
    };
    const timer = setTimeout(() => finish("waited"), waitMs);
    const req = httpRequest(url, { agent: false }, (res) => {
      response = res;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => finish("end"));
      res.on("error", (error: Error & { code?: string }) => finish(`error: ${error.code ?? error.message}`));
    });
    req.on("error", (error: Error & { code?: string }) => finish(`error: ${error.code ?? error.message}`));
    req.end();
  });
}

describe("fault injection on the wire: ArmResponse.fault and repeatedHeaders", () => {
  async function pollAnsweredWith(fault: "reset" | "reset-mid-body" | "stall-mid-body", waitMs?: number, advanceMs = 0) {
    const put = await call("PUT", widgetUrl("w1"), { body: {} });
    const id = put.headers.get("x-demo-operation-id")!;
    clock += advanceMs;
    server.setHooks({ beforeRespond: (context, response) => (context.kind === "statusPoll" ? { ...response, fault } : undefined) });
    const answer = await wireGet(statusUrlOf(id), waitMs);
    return { id, answer };
  }

  it('"reset" destroys the connection before anything is written; recorded with status 0 and the fault, not as abandoned', async () => {
    const { id, answer } = await pollAnsweredWith("reset");
    expect(answer).toEqual({ body: "", ending: "error: ECONNRESET" });
    expect(server.requests(id).map(({ kind, status, intercepted, fault }) => ({ kind, status, intercepted, fault }))).toEqual([
      { kind: "initial", status: 201, intercepted: undefined, fault: undefined },
      { kind: "statusPoll", status: 0, intercepted: true, fault: "reset" },
    ]);
    expect(server.stats().requests.abandoned).toBe(0);
    // The poll still counts against its operation; it told the client nothing.
    expect(server.operation(id)).toMatchObject({ statusPolls: 1 });
    server.setHooks(undefined);
    expect((await call("GET", statusUrlOf(id))).status).toBe(200);
  });

  it('"reset-mid-body" sends the head (full content-length) and half the body, then drops the connection', async () => {
    // Past the operation's end: the cut answer is the one that says Succeeded.
    const { id, answer } = await pollAnsweredWith("reset-mid-body", undefined, 2000);
    expect(answer.status).toBe(200);
    expect(answer.ending).toMatch(/^error: (ECONNRESET|aborted)$/);
    expect(server.requests(id)[1]).toMatchObject({ kind: "statusPoll", status: 200, intercepted: true, fault: "reset-mid-body" });
    // A cut answer never counts as telling the client the operation ended; a whole one does.
    expect(server.operation(id)?.terminalServedAt).toBeUndefined();
    server.setHooks(undefined);
    const full = JSON.stringify((await call("GET", statusUrlOf(id))).json);
    expect(server.operation(id)?.terminalServedAt).toBe(t0 + 2000);
    expect(answer.contentLength).toBe(Buffer.byteLength(full));
    expect(answer.body).toBe(full.slice(0, Math.floor(full.length / 2)));
  });

  it('"stall-mid-body" sends the head and half the body, then keeps the connection open without ever finishing', async () => {
    const { id, answer } = await pollAnsweredWith("stall-mid-body", 150);
    expect(answer.status).toBe(200);
    expect(answer.ending).toBe("waited");
    expect(answer.body.length).toBe(Math.floor(answer.contentLength! / 2));
    expect(server.requests(id)[1]).toMatchObject({ kind: "statusPoll", status: 200, fault: "stall-mid-body" });
    // close() still ends such a connection at once.
    const extra = await extraServer({ hooks: { beforeRespond: (_context, response) => ({ ...response, fault: "stall-mid-body" }) } });
    const stalled = wireGet(extra.resourceUrl("nope"), 5000);
    await vi.waitFor(() => expect(extra.stats().requests.arm).toBe(1));
    const started = Date.now();
    await extra.close();
    expect((await stalled).ending).toMatch(/^(error: .*|end)$/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("repeatedHeaders sends one header line per value, replacing a header of the same name", async () => {
    const put = await call("PUT", widgetUrl("w1"), { body: {} });
    const id = put.headers.get("x-demo-operation-id")!;
    server.setHooks({
      beforeRespond: (context, response) =>
        context.kind === "statusPoll" ? { ...response, headers: { ...response.headers, "retry-after": "1" }, repeatedHeaders: { "retry-after": ["0", "86400"] } } : undefined,
    });
    const answer = await wireGet(statusUrlOf(id));
    expect(answer.ending).toBe("end");
    const lines = answer.rawHeaders!.flatMap((value, index, all) => (index % 2 === 0 && value.toLowerCase() === "retry-after" ? [all[index + 1]] : []));
    expect(lines).toEqual(["0", "86400"]);
  });
});

describe("https (the tls option)", () => {
  it("refuses a tls option without a PEM key and certificate", async () => {
    await expect(startArmServer({ tls: { key: "", cert: "x" } })).rejects.toThrow(TypeError);
    await expect(startArmServer({ tls: { cert: "x" } as never })).rejects.toThrow(TypeError);
  });

  it.skipIf(!hasOpenssl())("serves https on 127.0.0.1, and every URL it hands out is https", async () => {
    const certificate = selfSignedLoopbackCertificate();
    const secure = await extraServer({ tls: certificate, duration: 100 });
    expect(secure.url).toBe(`https://127.0.0.1:${secure.port}`);
    expect(secure.resourceUrl("w1")).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    const answer = await new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = httpsRequest(secure.resourceUrl("w1"), { method: "PUT", ca: certificate.cert, agent: false, headers: { "content-type": "application/json" } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end("{}");
    });
    expect(answer.status).toBe(201);
    expect(answer.headers["azure-asyncoperation"]).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${secure.port}/subscriptions/.*/operationStatuses/`));
    const id = answer.headers["x-demo-operation-id"] as string;
    expect(secure.operation(id)).toMatchObject({ statusUrl: expect.stringMatching(/^https:/), resultUrl: expect.stringMatching(/^https:/) });
    // An untrusted client cannot talk to it: the certificate is self-signed.
    const refused = await new Promise<string>((resolve) => {
      const req = httpsRequest(secure.resourceUrl("w1"), { agent: false }, () => resolve("answered"));
      req.on("error", (error: Error & { code?: string }) => resolve(error.code ?? error.message));
      req.end();
    });
    expect(refused).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });
});

describe("the record: server.stats(), operations(), requests(), pollsAfter() and /_admin", () => {
  it("records every request with its kind, operation and status, and counts polls per operation", async () => {
    const put = await call("PUT", widgetUrl("w1", { duration: 1000, lroHeaders: "both" }), { body: {} });
    const id = put.headers.get("x-demo-operation-id")!;
    clock += 100;
    await call("GET", put.headers.get("azure-asyncoperation")!);
    clock += 100;
    await call("GET", put.headers.get("location")!);
    clock += 900;
    await call("GET", put.headers.get("azure-asyncoperation")!);
    await call("GET", widgetUrl("w1"));
    await call("GET", `${server.url}/nope`);

    expect(server.requests(id)).toEqual([
      { seq: 1, at: t0, method: "PUT", path: new URL(widgetUrl("w1")).pathname, kind: "initial", status: 201, operationId: id },
      { seq: 2, at: t0 + 100, method: "GET", path: new URL(statusUrlOf(id)).pathname, kind: "statusPoll", status: 200, operationId: id },
      { seq: 3, at: t0 + 200, method: "GET", path: new URL(resultUrlOf(id)).pathname, kind: "locationPoll", status: 202, operationId: id },
      { seq: 4, at: t0 + 1100, method: "GET", path: new URL(statusUrlOf(id)).pathname, kind: "statusPoll", status: 200, operationId: id },
      { seq: 5, at: t0 + 1100, method: "GET", path: new URL(widgetUrl("w1")).pathname, kind: "resourceGet", status: 200, operationId: id },
    ]);
    expect(server.operation(id)).toEqual({
      id,
      kind: "create",
      method: "PUT",
      resourceId: resourceId("w1"),
      region: "westeurope",
      apiVersion: "2024-01-01",
      lroHeaders: "both",
      outcome: "succeed",
      durationMs: 1000,
      retryAfter: 1,
      startTime: t0,
      endTime: t0 + 1000,
      status: "Succeeded",
      terminal: true,
      percentComplete: 100,
      polls: 3,
      statusPolls: 2,
      locationPolls: 1,
      resourceGets: 1,
      firstPollAt: t0 + 100,
      lastPollAt: t0 + 1100,
      lastRequestAt: t0 + 1100,
      terminalServedAt: t0 + 1100,
      statusUrl: statusUrlOf(id),
      resultUrl: resultUrlOf(id),
    });
    expect(server.pollsAfter(id, t0)).toBe(3);
    expect(server.pollsAfter(id, t0 + 100)).toBe(2);
    expect(server.pollsAfter(id, t0 + 1100)).toBe(0);
    expect(server.pollsAfter("unknown", 0)).toBe(0);
    expect(server.requests({ kind: "other" })).toEqual([{ seq: 6, at: t0 + 1100, method: "GET", path: "/nope", kind: "other", status: 404 }]);
    expect(server.requests({ after: t0 + 150, limit: 2 }).map((record) => record.seq)).toEqual([5, 6]);

    const stats = server.stats();
    expect(stats).toEqual({
      now: t0 + 1100,
      since: t0,
      requests: {
        total: 6,
        arm: 5,
        byKind: { initial: 1, statusPoll: 2, locationPoll: 1, resourceGet: 1, resourceList: 0, admin: 0, static: 0, preflight: 0, other: 1 },
        byStatus: { "200": 3, "201": 1, "202": 1, "404": 1 },
        byMethod: { PUT: 1, GET: 5 },
        intercepted: 0,
        abandoned: 0,
      },
      operations: {
        created: 1,
        retained: 1,
        evicted: 0,
        running: 0,
        terminal: 1,
        terminalServed: 1,
        byStatus: { Succeeded: 1 },
        byKind: { create: 1 },
        polls: 3,
      },
      widgets: 1,
    });
  });

  it("counts operations by state and filters them", async () => {
    await createWidget("w1");
    await call("PATCH", widgetUrl("w1", { duration: 500 }), { body: {} });
    await call("POST", widgetUrl("w1", { duration: 2000, outcome: "fail" }, "restart"));
    await call("POST", widgetUrl("w1", { duration: 300, outcome: "cancel" }, "migrate"));
    clock += 1000;
    const stats = server.stats();
    expect(stats.operations).toMatchObject({ created: 4, running: 1, terminal: 3, terminalServed: 0, byStatus: { Succeeded: 2, InProgress: 1, Canceled: 1 } });
    expect(server.operations({ status: "running" }).map((operation) => operation.kind)).toEqual(["restart"]);
    expect(server.operations({ status: "terminal" }).map((operation) => operation.kind)).toEqual(["create", "update", "migrate"]);
    expect(server.operations({ status: "Canceled" }).map((operation) => operation.kind)).toEqual(["migrate"]);
    expect(server.operations({ kind: "update" })).toHaveLength(1);
    expect(server.operations({ startedAfter: t0 })).toHaveLength(3);
  });

  it("serves the same over HTTP, and resets", async () => {
    const put = await call("PUT", widgetUrl("w1", { duration: 100 }), { body: {} });
    const id = put.headers.get("x-demo-operation-id")!;
    await call("GET", put.headers.get("azure-asyncoperation")!);

    const stats = await call("GET", `${server.url}/_admin/stats`);
    expect(stats.status).toBe(200);
    expect(stats.json.requests).toMatchObject({ total: 2, arm: 2 });
    const operations = await call("GET", `${server.url}/_admin/operations?status=running`);
    expect(operations.json).toEqual({ count: 1, value: [server.operation(id)] });
    const one = await call("GET", `${server.url}/_admin/operations/${id}`);
    expect(one.json).toEqual({ ...server.operation(id), requests: server.requests(id) });
    expect((await call("GET", `${server.url}/_admin/operations/unknown`)).status).toBe(404);
    const requests = await call("GET", `${server.url}/_admin/requests?operationId=${id}&kind=statusPoll`);
    expect(requests.json).toEqual({ count: 1, value: [server.requests(id)[1]] });
    expect((await call("GET", `${server.url}/_admin/requests?after=soon`)).status).toBe(400);
    expect((await call("GET", `${server.url}/_admin/operations?kind=explode`)).status).toBe(400);
    // Admin requests are counted, but kept out of the log.
    expect(server.stats().requests.byKind.admin).toBe(7);
    expect(server.requests().every((record) => record.kind !== "admin")).toBe(true);

    const reset = await call("POST", `${server.url}/_admin/reset`);
    expect(reset.status).toBe(204);
    expect(server.operations()).toEqual([]);
    expect(server.stats().requests.total).toBe(0); // the reset erased itself too
    expect((await call("GET", put.headers.get("azure-asyncoperation")!)).status).toBe(404);
    expect((await call("GET", widgetUrl("w1"))).status).toBe(404);
  });

  it("keeps memory bounded: forgets the oldest operations and trims logs", async () => {
    const extra = await extraServer({ maxOperations: 3, requestLog: { perOperation: 2, total: 4 } });
    const ids: string[] = [];
    for (const name of ["a", "b", "c", "d", "e"]) ids.push((await call("PUT", extra.resourceUrl(name), { body: {} })).headers.get("x-demo-operation-id")!);
    expect(extra.operations().map((operation) => operation.id)).toEqual(ids.slice(2));
    expect(extra.stats().operations).toMatchObject({ created: 5, retained: 3, evicted: 2 });
    const status = extra.operation(ids[4]!)!.statusUrl;
    for (let i = 0; i < 3; i++) await call("GET", status);
    expect(extra.requests(ids[4]!).map((record) => record.kind)).toEqual(["statusPoll", "statusPoll"]);
    expect(extra.operation(ids[4]!)?.statusPolls).toBe(3);
    expect(extra.requests()).toHaveLength(4);
  });
});

describe("static files", () => {
  let dir: string;
  let root: string;
  let files: ArmServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "arm-static-"));
    root = join(dir, "public");
    await mkdir(join(root, "sub"), { recursive: true });
    await writeFile(join(root, "index.html"), "<h1>dashboard</h1>");
    await writeFile(join(root, "app.js"), "console.log(1)");
    await writeFile(join(root, "style.css"), "h1{}");
    await writeFile(join(root, "sub", "index.html"), "sub");
    await writeFile(join(root, ".env"), "SECRET=1");
    await writeFile(join(root, "data.bin"), "bin");
    await writeFile(join(dir, "secret.txt"), "outside");
    await symlink(join(dir, "secret.txt"), join(root, "link.txt"));
    files = await startArmServer({ now, staticDir: root });
  });

  afterAll(async () => {
    await files.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves / as index.html and files with their content types", async () => {
    for (const [path, type, body] of [
      ["/", "text/html; charset=utf-8", "<h1>dashboard</h1>"],
      ["/index.html", "text/html; charset=utf-8", "<h1>dashboard</h1>"],
      ["/app.js", "text/javascript; charset=utf-8", "console.log(1)"],
      ["/style.css", "text/css; charset=utf-8", "h1{}"],
      ["/sub/", "text/html; charset=utf-8", "sub"],
      ["/data.bin", "application/octet-stream", "bin"],
      ["/app.js?v=2", "text/javascript; charset=utf-8", "console.log(1)"],
    ]) {
      const answer = await call("GET", `${files.url}${path}`);
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get("content-type")).toBe(type);
      expect(answer.text).toBe(body);
    }
    const head = await fetch(`${files.url}/app.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("14");
    expect(files.stats().requests.byKind.static).toBe(8);
    // The ARM routes still work next to them.
    expect((await call("PUT", files.resourceUrl("w"), { body: {} })).status).toBe(201);
  });

  it("refuses paths that leave the root, dotfiles and symlinks out, as 404", async () => {
    for (const path of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/sub/../../secret.txt", "/..%5csecret.txt", "/.env", "/%2eenv", "/link.txt", "/app.js%00.html", "/missing.js", "/%E0%A4%A"]) {
      const answer = await rawGet(files.port, path);
      expect(answer.status, path).toBe(404);
      expect(JSON.parse(answer.body).error.code).toBe("NotFound");
      expect(answer.body).not.toContain("outside");
      expect(answer.body).not.toContain("SECRET");
    }
    expect((await call("POST", `${files.url}/app.js`)).status).toBe(405);
  });

  it("answers a page navigation to a deep link with index.html, and nothing else", async () => {
    const navigation = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
    for (const path of ["/widgets/w1", "/widgets/w1/", "/operations", "/sub/missing"]) {
      const answer = await call("GET", `${files.url}${path}`, { headers: navigation });
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(answer.text, path).toBe("<h1>dashboard</h1>");
    }
    // Not a navigation (fetch, XHR, scripts), or a missing file with an extension: still a 404.
    for (const [path, headers] of [
      ["/widgets/w1", {}],
      ["/widgets/w1", { accept: "application/json" }],
      ["/missing.js", navigation],
      ["/chunk-ABC.css", navigation],
    ] as const) {
      const answer = await call("GET", `${files.url}${path}`, { headers });
      expect(answer.status, path).toBe(404);
      expect((answer.json as { error: { code: string } }).error.code).toBe("NotFound");
    }
    // What is refused stays refused, whatever the Accept header.
    for (const path of ["/../secret.txt", "/%2e%2e/secret", "/.env", "/.git/config", "/link.txt", "/sub/../../secret"]) {
      const answer = await rawGet(files.port, path, navigation);
      expect(answer.status, path).toBe(404);
      expect(answer.body).not.toContain("dashboard");
      expect(answer.body).not.toContain("outside");
    }
    // The ARM routes are not shadowed by it.
    const missing = await call("GET", `${files.resourceUrl("never-created")}`, { headers: navigation });
    expect(missing.status).toBe(404);
    expect((missing.json as { error: { code: string } }).error.code).toBe("ResourceNotFound");
  });
});
