import { describe, expect, it } from "vitest";
import { LroUrlRejectedError } from "../../lib/index.js";
import { followUrl, redactUrl } from "../../lib/http/url-policy.js";

const origin = "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/P/w/x?api-version=1";
const policy = { origin, allowedHosts: ["*.contoso.com", "status.example.net:8443"] };

describe("followUrl", () => {
  it("resolves relative URLs against the initial request URL", () => {
    expect(followUrl("/operations/1?api-version=1", policy)).toBe("https://management.azure.com/operations/1?api-version=1");
    expect(followUrl("ops/1", policy)).toBe("https://management.azure.com/subscriptions/s/resourceGroups/g/providers/P/w/ops/1");
  });

  it("accepts the origin's host and allowed hosts", () => {
    expect(followUrl("https://MANAGEMENT.azure.com/a", policy)).toBe("https://management.azure.com/a");
    expect(followUrl("https://eu.status.contoso.com/a", policy)).toBe("https://eu.status.contoso.com/a");
    expect(followUrl("https://status.example.net:8443/a", policy)).toBe("https://status.example.net:8443/a");
  });

  it.each([
    ["https://evil.example.com/steal", /host evil\.example\.com is neither/],
    ["https://management.azure.com.evil.com/x", /is neither/],
    ["https://contoso.com/x", /is neither/],
    ["https://status.example.net/a", /is neither/],
    ["https://management.azure.com:444/x", /is neither/],
    ["http://management.azure.com/x", /downgrades the operation from https to http/],
    ["javascript:alert(1)", /javascript: scheme is not http/],
    ["file:///etc/passwd", /file: scheme/],
    ["data:text/plain,hi", /data: scheme/],
    ["https://[bad", /not a valid URL/],
    [`https://management.azure.com/${"a".repeat(20_000)}`, /longer than 16384/],
  ])("refuses %s", (raw, reason) => {
    expect(() => followUrl(raw, policy)).toThrowError(LroUrlRejectedError);
    expect(() => followUrl(raw, policy)).toThrowError(reason);
  });

  it("keeps http for an operation that started on http", () => {
    expect(followUrl("/ops/1", { origin: "http://127.0.0.1:8080/x", allowedHosts: [] })).toBe("http://127.0.0.1:8080/ops/1");
  });

  it("truncates very long refused URLs in the error", () => {
    const error = (() => {
      try {
        followUrl(`https://evil.example.com/${"b".repeat(5000)}`, policy);
      } catch (caught) {
        return caught as LroUrlRejectedError;
      }
    })();
    expect(error?.url.length).toBeLessThanOrEqual(201);
  });
});

describe("redactUrl", () => {
  it("drops query strings, which may carry signatures", () => {
    expect(redactUrl("https://a.example.com/ops/1?sig=SECRET&api-version=1")).toBe("https://a.example.com/ops/1?…");
    expect(redactUrl("https://a.example.com/ops/1")).toBe("https://a.example.com/ops/1");
    expect(redactUrl("::")).toBe("<invalid url>");
  });
});
