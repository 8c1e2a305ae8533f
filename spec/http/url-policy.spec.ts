import { describe, expect, it } from "vitest";
import { LroUrlRejectedError } from "../../lib/index.js";
import { isAzureCloudUrl } from "../../lib/http/azure-hosts.js";
import { checkResumedOrigin, followUrl, parseHostEntry, redactUrl } from "../../lib/http/url-policy.js";

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

describe("allowedHosts entries", () => {
  it("mean the scheme's default port unless they name one, as a CSP source does", () => {
    const allowed = (url: string, entry: string) => followUrl(url, { origin, allowedHosts: [entry] });
    expect(allowed("https://status.example.net/a", "status.example.net")).toBe("https://status.example.net/a");
    expect(allowed("https://status.example.net:443/a", "status.example.net:443")).toBe("https://status.example.net/a");
    expect(() => allowed("https://status.example.net:8443/a", "status.example.net")).toThrowError(LroUrlRejectedError);
    expect(allowed("https://a.b.contoso.com/a", "*.contoso.com")).toBe("https://a.b.contoso.com/a");
    expect(() => allowed("https://contoso.com/a", "*.contoso.com")).toThrowError(LroUrlRejectedError);
    expect(() => allowed("https://evilcontoso.com/a", "*.contoso.com")).toThrowError(LroUrlRejectedError);
    expect(() => allowed("https://user@status.example.net/a", "status.example.net")).toThrowError(/it carries user info/);
  });

  it.each(["a.com", "A.COM:8443", "*.contoso.com", "*.contoso.com:8443", "127.0.0.1", "127.0.0.1:3000", "[::1]:3000", "xn--mnchen-3ya.de"])("parses %s", (entry) => {
    expect(parseHostEntry(entry)).toBeDefined();
  });

  it.each(["", "*", "*.com", "https://a.com", "a.com/x", "a.com:", "a.com:port", "münchen.de", "a b.com", "user@a.com"])("refuses %j", (entry) => {
    expect(parseHostEntry(entry)).toBeUndefined();
  });
});

describe("the built-in Azure cloud hosts", () => {
  it.each([
    "https://management.azure.com/x",
    "https://westus.management.azure.com/x",
    "https://management.usgovcloudapi.net/x",
    "https://management.chinacloudapi.cn/x",
    "https://v.vault.azure.net/x",
    "https://v.vault.usgovcloudapi.net/x",
    "https://v.vault.azure.cn/x",
    "https://acct.blob.core.windows.net/x",
    "https://acct.dfs.core.chinacloudapi.cn/x",
    "https://r.cognitiveservices.azure.com/x",
    "https://r.openai.azure.com/x",
    "https://r.openai.azure.us/x",
  ])("trusts %s", (url) => {
    expect(isAzureCloudUrl(new URL(url))).toBe(true);
  });

  it.each([
    "http://management.azure.com/x",
    "https://management.azure.com:8443/x",
    "https://management.azure.com.evil.example/x",
    "https://evilmanagement.azure.com/x",
    "https://management.\u0430zure.com/x",
    "https://azure.com/x",
    "https://site.azurewebsites.net/x",
    "https://site.web.core.windows.net/x",
    "https://127.0.0.1/x",
  ])("does not trust %s", (url) => {
    expect(isAzureCloudUrl(new URL(url))).toBe(false);
  });

  it("vouches for a resumed origin only on them or on a listed host", () => {
    expect(() => checkResumedOrigin("https://management.azure.com/x", [])).not.toThrow();
    expect(() => checkResumedOrigin("https://evil.example/x", [])).toThrowError(LroUrlRejectedError);
    expect(() => checkResumedOrigin("https://evil.example/x", ["evil.example"])).not.toThrow();
    expect(() => checkResumedOrigin("https://u:p@management.azure.com/x", [])).toThrowError(/user info/);
  });
});

describe("redactUrl", () => {
  it("drops query strings, which may carry signatures", () => {
    expect(redactUrl("https://a.example.com/ops/1?sig=SECRET&api-version=1")).toBe("https://a.example.com/ops/1?…");
    expect(redactUrl("https://a.example.com/ops/1")).toBe("https://a.example.com/ops/1");
    expect(redactUrl("::")).toBe("<invalid url>");
  });
});
