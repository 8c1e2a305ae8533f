import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { beginLro, createLroHub, pollLro, resumeLro } from "../lib/index.js";
import { virtualService } from "./support/fake-service.js";

/**
 * Bad input is a TypeError at the call, naming the input and what was expected, and nothing is
 * sent: each case runs against a recording HttpClient that must have received nothing.
 */
function expectRefused(call: (options: ReturnType<typeof virtualService>["service"]["options"]) => unknown, message: string) {
  const { service } = virtualService();
  expect(() => call(service.options)).toThrowError(new TypeError(message));
  expect(service.requests).toHaveLength(0);
}

const methods = '"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"';

describe("beginLro refuses a bad request at the call", () => {
  it.each([
    ["a relative URL", { url: "/subscriptions/s/w?api-version=1", method: "PUT" }, 'Expected `request.url` to be an absolute http(s) URL, got "/subscriptions/s/w"… (string)'],
    ["a scheme-less URL", { url: "management.azure.com/w", method: "PUT" }, 'Expected `request.url` to be an absolute http(s) URL, got "management.azure.com/w" (string)'],
    ["another scheme", { url: "ftp://example.com/w", method: "PUT" }, 'Expected `request.url` to be an absolute http(s) URL, got "ftp://example.com/w" (string)'],
    ["no URL", { method: "PUT" }, "Expected `request.url` to be an absolute http(s) URL, got undefined"],
    ["no method", { url: "https://example.com/w" }, `Expected \`request.method\` to be one of ${methods}, got undefined`],
    ["a method that is not a string", { url: "https://example.com/w", method: 7 }, `Expected \`request.method\` to be one of ${methods}, got 7 (number)`],
    ["a lower-case method", { url: "https://example.com/w", method: "put" }, `Expected \`request.method\` to be one of ${methods}, got "put" (string)`],
  ])("%s", (_, request, message) => {
    expectRefused((options) => beginLro(request as never, options), message);
  });

  it("a string instead of a request", () => {
    expectRefused(
      (options) => beginLro("http://example.com/w" as never, options),
      "Expected `request` to be an object with `url` and `method` (core-rest-pipeline's request options), got \"http://example.com/w\" (string)",
    );
    expectRefused((options) => beginLro(null as never, options), "Expected `request` to be an object with `url` and `method` (core-rest-pipeline's request options), got null");
  });

  it("a preset's name instead of its operator", () => {
    const request = { url: "https://example.com/w", method: "PUT" } as const;
    expectRefused(
      (options) => beginLro(request, { ...options, polling: "arm" as never }),
      'Expected `polling` to be a polling operator such as armPolling() or lroPolling(), got "arm" (string)',
    );
    expectRefused((options) => beginLro(request, { ...options, polling: (() => undefined) as never }), "Expected `polling` to be a polling operator such as armPolling() or lroPolling(), got a function");
  });
});

describe("pollLro refuses what is not an initial response", () => {
  const request = createPipelineRequest({ url: "https://example.com/w", method: "PUT" });
  const prefix = "Expected `initialResponse` to be a PipelineResponse (with `status`, `headers` and the `request` that started the operation), got";
  it.each([
    ["null", null, `${prefix} null`],
    ["a URL", "https://example.com/w", `${prefix} "https://example.com/w" (string)`],
    ["a fetch-like response without request", { status: 202, headers: createHttpHeaders() }, `${prefix} an object`],
    ["headers as a plain record", { status: 202, headers: { location: "x" }, request }, `${prefix} an object`],
    ["a status that is not a number", { status: "202", headers: createHttpHeaders(), request }, `${prefix} an object`],
    [
      "a request with a relative URL",
      { status: 202, headers: createHttpHeaders(), request: { ...request, url: "/w" } },
      'Expected `initialResponse.request.url` to be an absolute http(s) URL, got "/w" (string)',
    ],
  ])("%s", (_, response, message) => {
    expectRefused((options) => pollLro(response as never, options), message);
  });

  it("a bad polling option", () => {
    const response = { status: 202, headers: createHttpHeaders(), request };
    expectRefused(
      (options) => pollLro(response as never, { ...options, polling: "lro" as never }),
      'Expected `polling` to be a polling operator such as armPolling() or lroPolling(), got "lro" (string)',
    );
  });
});

describe("resumeLro refuses what is not a token at the call", () => {
  it.each([
    [null, "null"],
    [undefined, "undefined"],
    [42, "42 (number)"],
    [{ continuationToken: "x" }, "an object"],
  ])("%j", (token, shown) => {
    expectRefused((options) => resumeLro(token as never, options), `Expected \`continuationToken\` to be a string (a state's or an error's continuationToken), got ${shown}`);
  });
});

describe("hub.watch refuses a bad target at the call", () => {
  const monitor = "https://management.azure.com/operations/1";
  it.each([
    ["null", null, "Expected `target` to be a continuation token, a state, or { pollingUrl, method }, got null"],
    ["a number", 7, "Expected `target` to be a continuation token, a state, or { pollingUrl, method }, got 7 (number)"],
    ["an array", [monitor], "Expected `target` to be a continuation token, a state, or { pollingUrl, method }, got an array"],
    ["a state without a token", { status: "running", providerStatus: "Running" }, "Expected the state's `continuationToken` to be a string, got undefined"],
    ["no polling URL", { method: "POST" }, "Expected `target.pollingUrl` to be an absolute http(s) URL, got undefined"],
    ["a relative polling URL", { pollingUrl: "/operations/1", method: "POST" }, 'Expected `target.pollingUrl` to be an absolute http(s) URL, got "/operations/1" (string)'],
    ["no method", { pollingUrl: monitor }, `Expected \`target.method\` to be one of ${methods}, got undefined`],
    ["a relative request URL", { pollingUrl: monitor, method: "PUT", requestUrl: "w" }, 'Expected `target.requestUrl` to be an absolute http(s) URL, got "w" (string)'],
    ["an unknown strategy", { pollingUrl: monitor, method: "PUT", strategy: "body" }, 'Expected `target.strategy` to be one of "azureAsyncOperation", "operationLocation", "location", got "body" (string)'],
    [
      "an unknown finalStateVia",
      { pollingUrl: monitor, method: "POST", finalStateVia: "azure-asyncoperation" },
      'Expected `target.finalStateVia` to be one of "azure-async-operation", "location", "original-uri", "operation-location", got "azure-asyncoperation" (string)',
    ],
    ["a non-boolean allowInsecureConnection", { pollingUrl: monitor, method: "POST", allowInsecureConnection: "yes" }, 'Expected `target.allowInsecureConnection` to be a boolean, got "yes" (string)'],
  ])("%s", (_, target, message) => {
    expectRefused((options) => createLroHub({ ...options, pauseWhenHidden: false }).watch(target as never), message);
  });

  it("a malformed token, as resumeLro does", () => {
    const { service } = virtualService();
    expect(() => createLroHub({ ...service.options, pauseWhenHidden: false }).watch("not a token")).toThrowError(/^Invalid continuation token/);
    expect(service.requests).toHaveLength(0);
  });
});
