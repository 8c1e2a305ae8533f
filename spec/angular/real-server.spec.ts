// @vitest-environment happy-dom
// @vitest-environment-options { "url": "http://127.0.0.1/" }
import "./support/test-bed.js";
import { provideHttpClient, withFetch, withInterceptors } from "@angular/common/http";
import { TestBed } from "@angular/core/testing";
import { lastValueFrom, toArray } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startArmServer, type ArmServer } from "../../server/index.js";
import { LroService, provideRxLro } from "../../lib/angular/index.js";

let server: ArmServer;
beforeAll(async () => {
  server = await startArmServer({ duration: 300, retryAfter: 0, cors: true });
});
afterAll(() => server.close());

describe.each([
  ["XHR", false],
  ["fetch", true],
])("Angular's HttpClient (%s) against the embedded ARM server on 127.0.0.1", (_backend, fetch) => {
  it("follows a real operation to its result through the interceptors, Retry-After and all", async () => {
    const seen: string[] = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(...(fetch ? [withFetch()] : []), withInterceptors([(request, next) => (seen.push(request.method), next(request.clone({ setHeaders: { "x-ms-client-request-id": "angular-1" } })))])),
        provideRxLro({ defaults: { intervalInMs: 50 } }),
      ],
    });
    const lro = TestBed.inject(LroService);
    const name = `angular-${fetch ? "fetch" : "xhr"}`;
    const states = await lastValueFrom(lro.track<{ name: string; properties: { provisioningState: string } }>({ url: server.resourceUrl(name), method: "PUT", json: { location: "westeurope" }, allowInsecureConnection: true }).pipe(toArray()));

    const last = states.at(-1)!;
    expect(last.status).toBe("succeeded");
    expect(last.result).toMatchObject({ name, properties: { provisioningState: "Succeeded" } });
    expect(states[0]!.retryAfterInMs).toBe(0);
    expect(states[0]!.rawResponse!.headers.get("x-ms-client-request-id")).toBe("angular-1");
    expect(seen[0]).toBe("PUT");
    expect(seen.slice(1).every((method) => method === "GET")).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    // What the server received for the operation is what the interceptors saw: nothing went around them.
    const operationId = states[0]!.rawResponse!.headers.get("x-demo-operation-id")!;
    expect(server.requests({ operationId }).map(({ method }) => method)).toEqual(seen);
  });
});
