import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AzureLogger, setLogLevel } from "@azure/logger";
import { createEmptyPipeline, createHttpHeaders, type HttpClient, type PipelineRequest } from "@azure/core-rest-pipeline";
import { firstValueFrom, type Subscription } from "rxjs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { beginLro, LroBadStatusError, LroRequestError, LroUrlRejectedError, lroResult, pollLro } from "../lib/index.js";
import { collectGarbage } from "./support/collect-garbage.js";
import { virtualService } from "./support/fake-service.js";
import { advance, record, runToEnd } from "./support/virtual-time.js";

describe("beginLro", () => {
  afterEach(() => {
    setLogLevel();
    AzureLogger.log = (...args) => console.log(...args);
  });

  it("sends json with its content type, and the given headers", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w?api-version=1";
    service.on("PUT", url, { status: 200, body: { id: "w" } });

    await runToEnd(beginLro({ url, method: "PUT", json: { size: 3 }, headers: { "x-custom": "1" } }, service.options), scheduler);

    const [sent] = service.requests;
    expect(sent!.headers.get("content-type")).toBe("application/json");
    expect(sent!.headers.get("x-custom")).toBe("1");
    await runToEnd(beginLro({ url, method: "PUT", headers: createHttpHeaders({ "x-other": "2" }) }, service.options), scheduler);
    expect(service.requests[1]!.headers.get("x-other")).toBe("2");
  });

  it("carries the request's other fields as given, and keeps a content type the caller set for json", async () => {
    const sent: PipelineRequest[] = [];
    const httpClient: HttpClient = {
      sendRequest: async (request) => {
        sent.push(request);
        return { request, status: 200, headers: createHttpHeaders(), bodyAsText: '{"id":"w"}' };
      },
    };
    const options = { httpClient, pipeline: createEmptyPipeline() };
    const url = "https://example.com/w?api-version=1";
    const given = { "Content-Type": "application/merge-patch+json" };

    await firstValueFrom(beginLro({ url, method: "PATCH", json: { size: 3 }, headers: given, timeout: 1234, withCredentials: true }, options));
    await firstValueFrom(beginLro({ url, method: "PUT", body: "raw", timeout: 5 }, options));

    const [withJson, withBody] = sent;
    expect(withJson!.timeout).toBe(1234);
    expect(withJson!.withCredentials).toBe(true);
    expect(withJson!.body).toBe('{"size":3}');
    expect(withJson!.headers.get("content-type")).toBe("application/merge-patch+json");
    expect(withBody!.body).toBe("raw");
    expect(withBody!.timeout).toBe(5);
    expect(withBody!.withCredentials).toBe(false);
    expect(withBody!.headers.has("content-type")).toBe(false);
  });

  it("keeps neither the request it was given, nor its body, nor its options, while the operation runs", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w?api-version=1";
    const monitor = "https://example.com/operations/1";
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor, "retry-after": "60" } })
      .on("GET", monitor, { status: 200, headers: { "retry-after": "60" }, body: { status: "Running" } });
    const given: WeakRef<object>[] = [];
    const subscription = ((): Subscription => {
      const request = { url, method: "PUT" as const, json: { size: 3 } };
      const options = { ...service.options };
      given.push(new WeakRef(request), new WeakRef(request.json), new WeakRef(options));
      return beginLro(request, options).pipe(lroResult()).subscribe();
    })();
    let polls = 0;
    await advance(scheduler, () => (polls = service.requests.filter((request) => request.method === "GET").length) >= 1);
    await collectGarbage();
    expect(polls).toBe(1);
    expect(subscription.closed).toBe(false);
    expect(given.map((ref) => ref.deref() === undefined)).toEqual([true, true, true]);
    subscription.unsubscribe();
  });

  it("lets polls inherit allowInsecureConnection from an http initial request", async () => {
    const { scheduler, service } = virtualService();
    const url = "http://127.0.0.1:8080/w";
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": "/ops/1" } })
      .on("GET", "http://127.0.0.1:8080/ops/1", { status: 200, body: { status: "Succeeded" } })
      .on("GET", url, { status: 200, body: {} });

    await runToEnd(beginLro({ url, method: "PUT", allowInsecureConnection: true }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(service.requests.map((request) => request.allowInsecureConnection)).toEqual([true, true, true]);
  });

  it("never switches allowInsecureConnection on for an operation that started on https", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w";
    service.on("PUT", url, { status: 201, headers: { "azure-asyncoperation": "/ops/1" } }).on("GET", "https://example.com/ops/1", { status: 200, body: { status: "Running" } });

    const run = record(beginLro({ url, method: "PUT", allowInsecureConnection: true }, { ...service.options, intervalInMs: 0 }), scheduler);
    await advance(scheduler, () => service.requests.length >= 2);
    run.subscription.unsubscribe();

    expect(service.requests[1]!.allowInsecureConnection).toBe(false);
  });

  it("refuses a polling header that points at another host, before sending anything there", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://management.example.com/w";
    service.on("PUT", url, { status: 201, headers: { "azure-asyncoperation": "https://attacker.example.net/collect" } });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, service.options), scheduler);

    expect(run.error).toBeInstanceOf(LroUrlRejectedError);
    expect(service.requests.map((request) => request.url)).toEqual([url]);
  });

  it("follows another host when it is in allowedHosts", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://management.example.com/w";
    service
      .on("POST", url, { status: 202, headers: { "azure-asyncoperation": "https://status.example.net/op/1" } })
      .on("GET", "https://status.example.net/op/1", { status: 200, body: { status: "Succeeded" } });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 0, allowedHosts: ["status.example.net"] }), scheduler);

    expect(run.values.at(-1)!.status).toBe("succeeded");
  });

  it("reuses the initial request's x-ms-client-request-id on every poll", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w";
    service.on("DELETE", url, { status: 202, headers: { location: "/ops/1" } }).on("GET", "https://example.com/ops/1", { status: 204 });

    await runToEnd(beginLro({ url, method: "DELETE", headers: { "x-ms-client-request-id": "abc-123" } }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(service.requests.map((request) => request.headers.get("x-ms-client-request-id"))).toEqual(["abc-123", "abc-123"]);
  });

  it("errors with LroBadStatusError carrying the service's error on an initial 4xx", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w";
    service.on("PUT", url, { status: 409, body: { error: { code: "Conflict", message: "Another operation is in progress" } } });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, service.options), scheduler);

    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect((run.error as Error).message).toBe("Unexpected HTTP status 409 in the initial response to PUT: Conflict: Another operation is in progress");
  });

  it("errors with LroRequestError, without retrying, when the initial request cannot be sent", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w?sig=SECRET";
    service.on("PUT", url, { status: 0, networkError: "connect ECONNREFUSED" });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, service.options), scheduler);

    expect(run.error).toBeInstanceOf(LroRequestError);
    expect((run.error as Error).message).toBe("The request PUT https://example.com/w?… (the initial request) failed: connect ECONNREFUSED");
    expect((run.error as LroRequestError).continuationToken).toBeUndefined();
    expect(service.requests).toHaveLength(1);
  });

  it("maps the final body with processResult", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w";
    service.on("PUT", url, { status: 200, body: { id: "w", properties: { size: 3 } } });

    const run = await runToEnd(
      beginLro<number>({ url, method: "PUT" }, { ...service.options, processResult: (body) => (body as { properties: { size: number } }).properties.size }),
      scheduler,
    );

    expect(run.values[0]!.result).toBe(3);
  });

  it("logs each poll's status and delay under azure:rx-lro, without query strings or header values", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w?sig=SECRET";
    const lines: string[] = [];
    setLogLevel("info");
    AzureLogger.log = (...args: unknown[]) => lines.push(args.join(" "));
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": "https://example.com/ops/1?sig=SECRET2", "retry-after": "3" } })
      .on("GET", "https://example.com/ops/1?sig=SECRET2", { status: 200, body: { status: "Succeeded" } })
      .on("GET", url, { status: 200, body: {} });

    await runToEnd(beginLro({ url, method: "PUT", headers: { authorization: "Bearer TOKEN" } }, service.options), scheduler);

    const rxLro = lines.filter((line) => line.includes("azure:rx-lro"));
    expect(rxLro.join("\n")).toContain("PUT azureAsyncOperation https://example.com/ops/1?…: HTTP 201 Created → running; next poll in 3000 ms");
    expect(rxLro.join("\n")).toContain("HTTP 200 Succeeded → succeeded");
    expect(lines.join("\n")).not.toMatch(/SECRET|TOKEN/);
  });
});

describe("beginLro with core-rest-pipeline's default pipeline and client", () => {
  const defaultsModule = "../lib/http/create-default-transport.js";
  let server: Server;
  let url: string;
  const received: IncomingMessage[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      received.push(request);
      request.resume().on("end", () => response.writeHead(200, { "content-type": "application/json" }).end('{"id":"w","properties":{"provisioningState":"Succeeded"}}'));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/widgets/w?api-version=1`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  afterEach(() => {
    received.length = 0;
    vi.doUnmock(defaultsModule);
  });

  /** rx-lro as a fresh import finds it: the defaults not loaded yet. */
  async function freshRxLro() {
    vi.resetModules();
    const rxLro = await import("../lib/index.js");
    const { loadDefaultTransport } = await import("../lib/http/default-transport.js");
    return { ...rxLro, defaultsLoaded: () => loadDefaultTransport().catch(() => undefined) };
  }

  it("loads them when the first subscription sends: one that ends while they load sends nothing", async () => {
    const { beginLro: begin, lroResult, defaultsLoaded } = await freshRxLro();
    const request = { url, method: "PUT", json: { size: 1 }, allowInsecureConnection: true } as const;
    begin(request).subscribe().unsubscribe();
    await defaultsLoaded();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toHaveLength(0);

    const result = await firstValueFrom(begin(request).pipe(lroResult()));
    expect(result).toEqual({ id: "w", properties: { provisioningState: "Succeeded" } });
    expect(received.map((arrived) => arrived.method)).toEqual(["PUT"]);
    // The default pipeline's policies ran: its user agent and request id.
    expect(received[0]!.headers["user-agent"]).toMatch(/core-rest-pipeline/);
    expect(received[0]!.headers["x-ms-client-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("errors with LroRequestError for the initial request when they cannot be made", async () => {
    const failure = new TypeError("no fetch here");
    vi.doMock(defaultsModule, () => ({
      createDefaultTransport: () => {
        throw failure;
      },
    }));
    const { beginLro: begin, LroRequestError: RequestError } = await freshRxLro();
    const error = await firstValueFrom(begin({ url, method: "PUT", allowInsecureConnection: true })).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestError);
    expect((error as Error).message).toBe(`The request PUT ${url.replace(/\?.*/, "?…")} (the initial request) failed: no fetch here`);
    expect((error as Error).cause).toBe(failure);
    expect(received).toHaveLength(0);
  });
});

describe("pollLro", () => {
  it("follows an initial response obtained elsewhere, sending nothing before subscribe", async () => {
    const { scheduler, service } = virtualService();
    const url = "https://example.com/w";
    service.on("POST", url, { status: 202, headers: { location: "/ops/1" } }).on("GET", "https://example.com/ops/1", { status: 200, body: { n: 1 } });
    const initial = await service.pipeline.sendRequest(service, { url, method: "POST", headers: createHttpHeaders(), timeout: 0, withCredentials: false, requestId: "r" } as never);

    const states$ = pollLro(initial, { ...service.options, intervalInMs: 0 });
    expect(service.requests).toHaveLength(1);
    const run = await runToEnd(states$, scheduler);

    expect(run.values.map((state) => state.status)).toEqual(["running", "succeeded"]);
    expect(run.values.at(-1)!.result).toEqual({ n: 1 });
  });
});
