import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as pipeline from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpHeaders } from "../../lib/http/http-headers.js";
import { createPipelineRequest, randomUuid } from "../../lib/http/pipeline-request.js";

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Fields a core-rest-pipeline version may leave out: 1.24 drops `tracingOptions`, 1.9 has no
 * `multipartBody` or `requestOverrides`; 1.24 sets ts-http-runtime's `authSchemes`, which is not
 * among core-rest-pipeline's options (always `undefined`).
 */
const versionDependent = new Set(["tracingOptions", "multipartBody", "requestOverrides", "authSchemes"]);

describe("createPipelineRequest", () => {
  const signal = new AbortController().signal;
  const onUploadProgress = () => {};
  const cases: Record<string, pipeline.PipelineRequestOptions> = {
    "a URL alone": { url: "https://management.azure.com/x" },
    "every option": {
      url: "http://127.0.0.1:1/x",
      method: "PUT",
      headers: createHttpHeaders({ accept: "application/json" }),
      timeout: 5000,
      withCredentials: true,
      requestId: "fixed-id",
      body: "{}",
      formData: { a: "b" },
      streamResponseStatusCodes: new Set([200]),
      enableBrowserStreams: true,
      proxySettings: { host: "http://proxy", port: 8080 },
      disableKeepAlive: true,
      abortSignal: signal,
      tracingOptions: {},
      onUploadProgress,
      onDownloadProgress: onUploadProgress,
      allowInsecureConnection: true,
    },
    "explicit false and empty values": { url: "https://h/x", withCredentials: false, allowInsecureConnection: false, timeout: 0, requestId: "" },
  };

  it.each(Object.entries(cases))("fills in the fields and defaults core-rest-pipeline's does: %s", (_, options) => {
    const ours = createPipelineRequest(options) as unknown as Record<string, unknown>;
    const theirs = pipeline.createPipelineRequest(options) as unknown as Record<string, unknown>;
    for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
      if (key === "requestId" && !options.requestId) {
        expect(ours[key]).toMatch(uuidV4);
        expect(theirs[key]).toMatch(uuidV4);
      } else if (key === "headers" && options.headers === undefined) {
        expect([...(ours[key] as pipeline.HttpHeaders)]).toEqual([]);
        expect(typeof (ours[key] as pipeline.HttpHeaders).set).toBe("function");
      } else if (versionDependent.has(key) && !(key in theirs)) {
        expect(ours[key], key).toBe((options as unknown as Record<string, unknown>)[key]);
      } else {
        expect(ours[key], key).toBe(theirs[key]);
      }
    }
    // Nothing core-rest-pipeline sets is missing.
    expect(Object.keys(theirs).filter((key) => !(key in ours) && !versionDependent.has(key))).toEqual([]);
  });

  it("makes the random request id when first read, the same on every read; a given one is kept, and a policy may set another", () => {
    const request = createPipelineRequest({ url: "https://h/x" });
    const id = request.requestId;
    expect(id).toMatch(uuidV4);
    expect(request.requestId).toBe(id);
    expect(createPipelineRequest({ url: "https://h/x" }).requestId).not.toBe(id);
    expect(createPipelineRequest({ url: "https://h/x", requestId: "given" }).requestId).toBe("given");
    request.requestId = "set-by-a-policy";
    expect(request.requestId).toBe("set-by-a-policy");
  });

  it("carries the options of later core-rest-pipeline versions it is given", () => {
    const requestOverrides = { cache: "no-store" };
    const multipartBody = { parts: [] };
    const request = createPipelineRequest({ url: "https://h/x", requestOverrides, multipartBody } as pipeline.PipelineRequestOptions) as unknown as Record<string, unknown>;
    expect(request.requestOverrides).toBe(requestOverrides);
    expect(request.multipartBody).toBe(multipartBody);
  });

  describe("sent by core-rest-pipeline's default pipeline and client, over real HTTP", () => {
    let server: Server;
    let origin: string;
    const received: { method: string | undefined; url: string | undefined; headers: IncomingHttpHeaders; body: string }[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => (body += chunk.toString()));
        request.on("end", () => {
          received.push({ method: request.method, url: request.url, headers: request.headers, body });
          response.writeHead(201, { "content-type": "application/json", "x-echo": "1" }).end('{"ok":true}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it("arrives with its method, body and headers, and the pipeline's request id is the request's", async () => {
      const request = createPipelineRequest({
        url: `${origin}/widgets/1?api-version=2024-01-01`,
        method: "PUT",
        body: '{"size":7}',
        headers: createHttpHeaders({ "Content-Type": "application/json", "x-custom": "c" }),
        allowInsecureConnection: true,
      });
      const response = await pipeline.createPipelineFromOptions({}).sendRequest(pipeline.createDefaultHttpClient(), request);
      expect(response.status).toBe(201);
      expect(response.request).toBe(request);
      expect(response.bodyAsText).toBe('{"ok":true}');
      expect(response.headers.get("X-Echo")).toBe("1");
      const [arrived] = received.splice(0);
      expect(arrived).toMatchObject({ method: "PUT", url: "/widgets/1?api-version=2024-01-01", body: '{"size":7}' });
      expect(arrived!.headers).toMatchObject({ "content-type": "application/json", "x-custom": "c", "x-ms-client-request-id": request.requestId });
      expect(request.requestId).toMatch(uuidV4);
      expect(arrived!.headers["user-agent"]).toMatch(/core-rest-pipeline/);
    });

    it("is refused on http unless it allows an insecure connection, as core-rest-pipeline's own is", async () => {
      const client = pipeline.createDefaultHttpClient();
      const url = `${origin}/widgets/2`;
      const ours = pipeline.createEmptyPipeline().sendRequest(client, createPipelineRequest({ url }));
      const theirs = pipeline.createEmptyPipeline().sendRequest(client, pipeline.createPipelineRequest({ url }));
      const [ourError, theirError] = await Promise.all([ours.then(() => undefined, (error: unknown) => error), theirs.then(() => undefined, (error: unknown) => error)]);
      expect(theirError).toBeInstanceOf(Error);
      expect(ourError).toBeInstanceOf(Error);
      expect((ourError as Error).message).toBe((theirError as Error).message);
      expect(received).toEqual([]);
    });
  });
});

describe("randomUuid", () => {
  it("uses crypto.randomUUID where there is one", () => {
    expect(randomUuid({ getRandomValues: () => expect.unreachable(), randomUUID: () => "00000000-0000-4000-8000-000000000000" })).toBe("00000000-0000-4000-8000-000000000000");
    const made = new Set(Array.from({ length: 100 }, () => randomUuid()));
    expect(made.size).toBe(100);
    for (const uuid of made) expect(uuid).toMatch(uuidV4);
  });

  it("makes a version 4 UUID from getRandomValues where randomUUID is missing (browsers outside a secure context)", () => {
    const fill = <T extends ArrayBufferView | null>(bytes: T): T => {
      (bytes as unknown as Uint8Array).fill(0xff);
      return bytes;
    };
    expect(randomUuid({ getRandomValues: fill })).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    const zeros = <T extends ArrayBufferView | null>(bytes: T): T => bytes;
    expect(randomUuid({ getRandomValues: zeros })).toBe("00000000-0000-4000-8000-000000000000");
    const real = { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) };
    const made = new Set(Array.from({ length: 100 }, () => randomUuid(real)));
    expect(made.size).toBe(100);
    for (const uuid of made) expect(uuid).toMatch(uuidV4);
  });
});
