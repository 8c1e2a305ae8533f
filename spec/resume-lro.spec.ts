import { describe, expect, it } from "vitest";
import { beginLro, createLroHub, LroUrlRejectedError, resumeLro } from "../lib/index.js";
import { encodeContinuationToken } from "../lib/continuation-token.js";
import { virtualService } from "./support/fake-service.js";
import { runToEnd } from "./support/virtual-time.js";

const trusted = "https://management.azure.com/subscriptions/s/w/x?api-version=1";
const monitor = "https://management.azure.com/operations/1";

const token = (overrides: object) =>
  encodeContinuationToken({ strategy: "azureAsyncOperation", method: "PUT", requestUrl: trusted, pollingUrl: monitor, allowInsecureConnection: false, ...overrides });

/** A token whose request and polling URLs are both on `origin`: consistent with itself, as a forger would make it. */
const forgedOn = (origin: string, overrides: object = {}) =>
  token({ requestUrl: `${origin}/subscriptions/s/w/x?api-version=1`, pollingUrl: `${origin}/operations/1`, ...overrides });

describe("resumeLro under default options: only hosts the app vouched for", () => {
  it.each([
    ["a foreign host", forgedOn("https://evil.example"), /host evil\.example is neither a built-in Azure cloud host \(https only\) nor listed in allowedHosts/],
    ["a look-alike suffix", forgedOn("https://management.azure.com.evil.example"), /host management\.azure\.com\.evil\.example is neither/],
    ["a look-alike prefix", forgedOn("https://evilmanagement.azure.com"), /host evilmanagement\.azure\.com is neither/],
    ["userinfo naming Azure", forgedOn("https://management.azure.com@evil.example"), /request URL carries user info/],
    ["an IDN look-alike (Cyrillic а)", forgedOn("https://management.\u0430zure.com"), /host management\.xn--zure-43d\.com is neither/],
    ["an IPv4 literal", forgedOn("https://20.50.2.1"), /host 20\.50\.2\.1 is neither/],
    ["an IPv6 literal", forgedOn("https://[2603:1030::1]"), /host \[2603:1030::1\] is neither/],
    ["loopback", forgedOn("http://127.0.0.1:8080", { allowInsecureConnection: true }), /host 127\.0\.0\.1:8080 is neither/],
    ["an Azure host over http", forgedOn("http://management.azure.com", { allowInsecureConnection: true }), /host management\.azure\.com is neither a built-in Azure cloud host \(https only\)/],
    ["an Azure host on another port", forgedOn("https://management.azure.com:8443"), /host management\.azure\.com:8443 is neither/],
    ["a polling URL on another host than the request", token({ pollingUrl: "https://evil.example/op" }), /host evil\.example is neither the initial request's \(management\.azure\.com\)/],
    ["a polling URL on another Azure host than the request", token({ pollingUrl: "https://evil.vault.azure.net/op" }), /host evil\.vault\.azure\.net is neither the initial request's/],
    ["an https → http polling URL", token({ pollingUrl: "http://management.azure.com/operations/1" }), /downgrades the operation from https to http/],
    ["a foreign token of an operation that ended without polling", forgedOn("https://evil.example", { pollingUrl: undefined, finishedAs: "succeeded" }), /host evil\.example is neither/],
  ])("refuses %s at the call, sending nothing", (_, forged, reason) => {
    const { service } = virtualService();
    expect(() => resumeLro(forged, service.options)).toThrowError(LroUrlRejectedError);
    expect(() => resumeLro(forged, service.options)).toThrowError(reason);
    // hub.watch applies the same rule, to a token and to a state carrying it.
    const hub = createLroHub({ ...service.options, pauseWhenHidden: false });
    expect(() => hub.watch(forged)).toThrowError(reason);
    expect(service.requests).toHaveLength(0);
  });

  it("refuses an @azure/core-lro serialized state naming a foreign host", () => {
    const { service } = virtualService();
    const serialized = JSON.stringify({
      state: { status: "running", config: { metadata: { mode: "OperationLocation" }, operationLocation: "https://evil.example/op", initialRequestUrl: "https://evil.example/w", requestMethod: "PUT" } },
    });
    expect(() => resumeLro(serialized, service.options)).toThrowError(/host evil\.example is neither/);
    expect(service.requests).toHaveLength(0);
  });

  it("refuses a polling target naming a foreign host in hub.watch, and a state whose token does", () => {
    const { service } = virtualService();
    const hub = createLroHub({ ...service.options, pauseWhenHidden: false });
    expect(() => hub.watch({ pollingUrl: "https://evil.example/op", method: "POST" })).toThrowError(/host evil\.example is neither/);
    expect(() => hub.watch({ pollingUrl: "https://evil.example/op", requestUrl: trusted, method: "PUT" })).toThrowError(/host evil\.example is neither the initial request's/);
    const state = { status: "running", providerStatus: "Running", strategy: "azureAsyncOperation", pollCount: 0, continuationToken: forgedOn("https://evil.example") } as const;
    expect(() => hub.watch(state)).toThrowError(/host evil\.example is neither/);
    expect(service.requests).toHaveLength(0);
  });

  it.each([
    ["ARM, public cloud", "https://management.azure.com"],
    ["ARM, US Government", "https://management.usgovcloudapi.net"],
    ["ARM, China", "https://management.chinacloudapi.cn"],
    ["Key Vault", "https://my-vault.vault.azure.net"],
    ["Azure AI services", "https://my-ai.cognitiveservices.azure.com"],
  ])("resumes a token from an operation begun on %s with no extra option", async (_, origin) => {
    const { scheduler, service } = virtualService();
    const url = `${origin}/widgets/w?api-version=1`;
    const operation = `${origin}/operations/1?api-version=1`;
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": operation } })
      .on("GET", operation, { status: 200, body: { status: "Succeeded" } })
      .on("GET", url, { status: 200, body: { id: "w" } });
    const begun = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, intervalInMs: 0 }), scheduler);
    const first = begun.values[0]!;

    const resumed = await runToEnd(resumeLro(first.continuationToken, service.options), scheduler);

    expect(resumed.error).toBeUndefined();
    expect(resumed.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "w" } });
    expect(service.log.slice(3)).toEqual([`GET ${operation} @0`, `GET ${url} @0`]);
  });

  it("follows a token on a host the app lists, loopback over http included", async () => {
    const { scheduler, service } = virtualService();
    const origin = "http://127.0.0.1:8080";
    service.on("GET", `${origin}/operations/1`, { status: 200, body: { status: "Succeeded" } }).on("GET", `${origin}/subscriptions/s/w/x?api-version=1`, { status: 200, body: { id: "x" } });

    const run = await runToEnd(resumeLro(forgedOn(origin, { allowInsecureConnection: true }), { ...service.options, allowedHosts: ["127.0.0.1:8080"] }), scheduler);

    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "x" } });
    // Listing a host and port trusts that port only.
    expect(() => resumeLro(forgedOn("http://127.0.0.1:8081"), { ...service.options, allowedHosts: ["127.0.0.1:8080"] })).toThrowError(LroUrlRejectedError);
  });
});

describe("resumeLro with tampered tokens", () => {
  it("refuses a token whose final-result Location points elsewhere, before that request", async () => {
    const { scheduler, service } = virtualService();
    service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } });
    const run = await runToEnd(resumeLro(token({ method: "POST", location: "https://attacker.example.net/r" }), service.options), scheduler);

    expect(run.error).toBeInstanceOf(LroUrlRejectedError);
    expect(service.requests.map((request) => request.url)).toEqual([monitor]);
  });

  it("accepts a well-formed edit on a trusted host: a token is checked, not signed", async () => {
    const { scheduler, service } = virtualService();
    const edited = token({ pollingUrl: "https://management.azure.com/operations/2" });
    service.on("GET", "https://management.azure.com/operations/2", { status: 200, body: { status: "Succeeded" } }).on("GET", trusted, { status: 200, body: { id: "x" } });

    const run = await runToEnd(resumeLro(edited, service.options), scheduler);

    expect(run.values.at(-1)).toMatchObject({ status: "succeeded" });
  });
});

describe("a polling URL refused on the initial response", () => {
  it("errors with that response's state and a token that refuses it again, until its host is allowed", async () => {
    const { scheduler, service } = virtualService();
    const status = "https://status.example.net/operations/1?sig=SECRET";
    service
      .on("PUT", trusted, { status: 201, headers: { "azure-asyncoperation": status }, body: { properties: { provisioningState: "Creating" } } })
      .on("GET", status, { status: 200, body: { status: "Succeeded" } })
      .on("GET", trusted, { status: 200, body: { id: "x" } });

    const run = await runToEnd(beginLro({ url: trusted, method: "PUT" }, service.options), scheduler);

    const error = run.error as LroUrlRejectedError;
    expect(error).toBeInstanceOf(LroUrlRejectedError);
    expect(run.values).toEqual([]);
    expect(error.state).toMatchObject({ status: "running", providerStatus: "Creating", httpStatus: 201, pollCount: 0 });
    expect(error.state?.pollingUrl).toBeUndefined();
    expect(error.continuationToken).toEqual(expect.any(String));
    // With the same options: refused again, at the call.
    expect(() => resumeLro(error.continuationToken!, service.options)).toThrowError(/host status\.example\.net is neither the initial request's/);
    expect(service.requests).toHaveLength(1);

    // Once the app vouches for that host, the token follows the operation to its end.
    const resumed = await runToEnd(resumeLro(error.continuationToken!, { ...service.options, allowedHosts: ["status.example.net"] }), scheduler);
    expect(resumed.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "x" } });
    expect(service.log.slice(1)).toEqual([`GET ${status} @0`, `GET ${trusted} @0`]);
  });
});
