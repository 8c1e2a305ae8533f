import { describe, expect, it } from "vitest";
import { LroUrlRejectedError, resumeLro, toCoreLroState } from "../lib/index.js";
import { decodeContinuationToken, encodeContinuationToken, maxContinuationTokenLength } from "../lib/continuation-token.js";
import type { TrackedOperation } from "../lib/tracked-operation.js";

const operation: TrackedOperation = {
  strategy: "azureAsyncOperation",
  method: "PUT",
  requestUrl: "https://management.azure.com/subscriptions/s/w/x?api-version=1",
  pollingUrl: "https://management.azure.com/operations/1?api-version=1",
  location: "/results/1",
  finalStateVia: "location",
  allowInsecureConnection: false,
  clientRequestId: "3f1b6c2e-0000-4000-8000-000000000000",
};

const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("continuation tokens", () => {
  it("round-trip an operation as URL-safe text", () => {
    const token = encodeContinuationToken(operation);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContinuationToken(token)).toEqual(operation);
  });

  it("round-trip non-ASCII URLs", () => {
    const unicode = { ...operation, location: "/résultats/ü" };
    expect(decodeContinuationToken(encodeContinuationToken(unicode))).toEqual(unicode);
  });

  it("carry no credential: only method, URLs, strategy and ids", () => {
    const decoded = JSON.parse(atob(encodeContinuationToken(operation).replace(/-/g, "+").replace(/_/g, "/"))) as object;
    expect(Object.keys(decoded).sort()).toEqual(["c", "f", "l", "m", "p", "s", "u", "v"]);
  });

  it.each([
    ["not a string", 42, /expected a string/],
    ["too long", "a".repeat(maxContinuationTokenLength + 1), /longer than/],
    ["not base64url", "abc$%", /not base64url text/],
    ["not JSON", btoa("{oops").replace(/=+$/, ""), /not base64url-encoded JSON/],
    ["a JSON array", encode([1]), /not a JSON object/],
    ["another version", encode({ v: 2 }), /unsupported version 2/],
    ["an unknown strategy", encode({ v: 1, s: "magic", m: "PUT", u: "https://a.b/" }), /unknown strategy/],
    ["an unknown method", encode({ v: 1, s: "location", m: "BREW", u: "https://a.b/" }), /unknown method/],
    ["a non-http request URL", encode({ v: 1, s: "location", m: "PUT", u: "file:///etc/passwd", p: "https://a.b/" }), /`u` is not an http\(s\) URL/],
    ["nothing to poll", encode({ v: 1, s: "location", m: "PUT", u: "https://a.b/" }), /neither a polling URL nor an ending/],
    ["a wrong-typed field", encode({ v: 1, s: "location", m: "PUT", u: "https://a.b/", p: 7 }), /`p` must be a non-empty string/],
    ["an unknown final-state-via", encode({ v: 1, s: "location", m: "PUT", u: "https://a.b/", p: "https://a.b/p", f: "somewhere" }), /unknown final-state-via/],
  ])("refuses %s with a TypeError that says why", (_name, token, reason) => {
    expect(() => decodeContinuationToken(token as string)).toThrowError(TypeError);
    expect(() => decodeContinuationToken(token as string)).toThrowError(reason);
  });
});

describe("tokens as untrusted input", () => {
  it.each([
    ["a javascript: polling URL", "javascript:alert(1)", /the javascript: scheme is not http\(s\)/],
    ["a polling URL that does not parse", "https://[bad", /not a valid URL/],
  ])("leaves %s to the polling-URL policy, which resumeLro applies at the call", (_name, pollingUrl, reason) => {
    const token = encode({ v: 1, s: "location", m: "PUT", u: "https://management.azure.com/w", p: pollingUrl });
    expect(decodeContinuationToken(token).pollingUrl).toBeDefined();
    expect(() => resumeLro(token)).toThrowError(LroUrlRejectedError);
    expect(() => resumeLro(token)).toThrowError(reason);
    expect(() => toCoreLroState(token)).toThrowError(TypeError);
  });

  it("refuses a request id that could smuggle a header", () => {
    const token = encodeContinuationToken({ ...operation, clientRequestId: "x\r\nAuthorization: Bearer stolen" });
    expect(() => decodeContinuationToken(token)).toThrowError(/`c` is not a valid request id/);
  });
});
