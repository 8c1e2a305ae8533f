import type { HttpMethods } from "@azure/core-rest-pipeline";
import { describeValue } from "./errors/describe-value.js";

/** The methods core-rest-pipeline sends (its `HttpMethods`), as written: HTTP methods are case-sensitive. */
export const httpMethods: readonly HttpMethods[] = ["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"];

/**
 * An absolute http(s) URL given as `name`, checked at the call: a relative or scheme-less one
 * would otherwise fail only after subscribe, as "Invalid URL".
 * @throws TypeError naming `name` and what was expected
 */
export function checkAbsoluteHttpUrl(name: string, value: unknown): string {
  if (typeof value === "string") {
    try {
      const url = new URL(value);
      if (url.protocol === "https:" || url.protocol === "http:") return value;
    } catch {
      // reported below
    }
  }
  throw new TypeError(`Expected \`${name}\` to be an absolute http(s) URL, got ${describeValue(value)}`);
}

/**
 * An HTTP method given as `name`: one of core-rest-pipeline's `HttpMethods`.
 * @throws TypeError naming `name` and what was expected
 */
export function checkMethod(name: string, value: unknown): HttpMethods {
  if (typeof value === "string" && (httpMethods as readonly string[]).includes(value)) return value as HttpMethods;
  throw new TypeError(`Expected \`${name}\` to be one of ${httpMethods.map((method) => `"${method}"`).join(", ")}, got ${describeValue(value)}`);
}
