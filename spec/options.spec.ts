import { describe, expect, it } from "vitest";
import { armPolling, beginLro, locationPolling, resumeLro } from "../lib/index.js";
import { clampDelay, resolveOptions } from "../lib/options.js";

describe("options", () => {
  it.each([
    [{ intervalInMs: -1 }, "Expected `intervalInMs` to be a non-negative number of milliseconds, got -1 (number)"],
    [{ intervalInMs: Number.NaN }, "Expected `intervalInMs` to be a non-negative number of milliseconds, got NaN (number)"],
    [{ maxDelayInMs: "5" }, "Expected `maxDelayInMs` to be a non-negative number of milliseconds, got 5 (string)"],
    [{ timeoutInMs: 0 }, "Expected `timeoutInMs` to be a positive number of milliseconds, got 0 (number)"],
    [{ retry: { maxRetries: 1.5 } }, "Expected `retry.maxRetries` to be a non-negative integer, got 1.5 (number)"],
    [{ finalStateVia: "azure-asyncoperation" }, 'Expected `finalStateVia` to be one of "azure-async-operation", "location", "original-uri", "operation-location", got "azure-asyncoperation"'],
    [{ allowedHosts: "a.com" }, 'Expected `allowedHosts` to be an array of host names, got "a.com" (string)'],
    [{ allowedHosts: [""] }, 'Expected each `allowedHosts` entry to be `host`, `host:port` or `*.suffix` (no scheme or path; punycode for an international name), got "" (string)'],
    [{ allowedHosts: ["https://a.com"] }, 'Expected each `allowedHosts` entry to be `host`, `host:port` or `*.suffix` (no scheme or path; punycode for an international name), got "https://a.com" (string)'],
    [{ allowedHosts: ["a.com", 7] }, "Expected each `allowedHosts` entry to be `host`, `host:port` or `*.suffix` (no scheme or path; punycode for an international name), got 7 (number)"],
    [{ allowedHosts: ["*"] }, 'Expected each `allowedHosts` entry to be `host`, `host:port` or `*.suffix` (no scheme or path; punycode for an international name), got "*" (string)'],
    [{ processResult: 3 }, "Expected `processResult` to be a function, got number"],
  ])("refuses %j at the call site", (options, message) => {
    expect(() => armPolling(options as never)).toThrowError(new TypeError(message));
    expect(() => beginLro({ url: "https://a.example/x", method: "PUT" }, options as never)).toThrowError(message);
    expect(() => locationPolling(options as never)).toThrowError(message);
  });

  it("checks the options of resumeLro too, before anything is sent", () => {
    expect(() => resumeLro("x", { intervalInMs: -5 })).toThrowError(TypeError);
  });

  it("clamps every delay so that no timer can overflow", () => {
    const resolved = resolveOptions({ maxDelayInMs: 1e12, intervalInMs: 1e13, timeoutInMs: 1e15 });
    expect(resolved.maxDelayInMs).toBe(2 ** 31 - 1);
    expect(resolved.intervalInMs).toBe(2 ** 31 - 1);
    expect(resolved.timeoutInMs).toBe(2 ** 31 - 1);
    expect(clampDelay(Number.POSITIVE_INFINITY, 60_000)).toBe(60_000);
    expect(clampDelay(-5, 60_000)).toBe(0);
    expect(clampDelay(Number.NaN, 60_000)).toBe(0);
  });

  it("has the documented defaults", () => {
    const resolved = resolveOptions({});
    expect(resolved).toMatchObject({ intervalInMs: 2000, maxDelayInMs: 600_000, requestTimeoutInMs: 60_000, maxRetries: 3, retryDelayInMs: 1000, maxRetryDelayInMs: 30_000, allowedHosts: [] });
    expect(resolved.timeoutInMs).toBeUndefined();
  });
});
