import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../lib/http/retry-after.js";

const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const parse = (headers: Record<string, string>) => parseRetryAfter(createHttpHeaders(headers), now);

describe("parseRetryAfter", () => {
  it.each([
    [{ "Retry-After": "17" }, 17_000],
    [{ "retry-after": "1.5" }, 1500],
    [{ "Retry-After": " 0 " }, 0],
    [{ "retry-after-ms": "250" }, 250],
    [{ "x-ms-retry-after-ms": "40" }, 40],
    [{ "retry-after-ms": "250", "x-ms-retry-after-ms": "40", "retry-after": "9" }, 250],
    [{ "x-ms-retry-after-ms": "40", "retry-after": "9" }, 40],
    [{ "retry-after-ms": "soon", "retry-after": "9" }, 9000],
  ])("reads %j as %i ms", (headers, expected) => {
    expect(parse(headers)).toBe(expected);
  });

  it("reads the three HTTP-date forms, and a past date as now", () => {
    expect(parse({ "retry-after": "Mon, 23 Nov 2026 12:00:30 GMT" })).toBe(30_000);
    expect(parse({ "retry-after": "Monday, 23-Nov-26 12:01:00 GMT" })).toBe(60_000);
    expect(parse({ "retry-after": "Mon Nov 23 12:00:05 2026" })).toBe(5_000);
    expect(parse({ "retry-after": "Sun, 06 Nov 1994 08:49:37 GMT" })).toBe(0);
  });

  it.each([["-1"], ["/bar"], ["1junk"], ["5, 10"], ["Infinity"], [""], ["1e3"], ["tomorrow"]])("ignores %j", (value) => {
    expect(parse({ "retry-after": value })).toBeUndefined();
  });

  it("returns huge values as they are, for the caller to clamp", () => {
    expect(parse({ "retry-after": "999999999" })).toBe(999_999_999_000);
    expect(parse({ "retry-after": "9".repeat(400) })).toBe(Number.POSITIVE_INFINITY);
  });

  it("returns undefined without any of the headers", () => {
    expect(parse({})).toBeUndefined();
  });
});
