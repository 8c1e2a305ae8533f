import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { LroBadResponseError } from "../errors/lro-bad-response-error.js";

/** A JSON object as parsed from a response body. */
export type JsonObject = { readonly [key: string]: unknown };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function looksLikeJson(response: PipelineResponse, text: string): boolean {
  const contentType = response.headers.get("content-type") ?? "";
  return contentType.includes("json") || /^\s*[[{"]/.test(text);
}

/**
 * The body of a response: parsed JSON, the raw text when the response is not JSON, or `undefined`
 * when it is empty. A body that claims to be JSON but does not parse is a {@link LroBadResponseError}.
 */
export function readBody(response: PipelineResponse): unknown {
  const text = response.bodyAsText;
  if (text === undefined || text === null || text.trim() === "") return undefined;
  if (!looksLikeJson(response, text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new LroBadResponseError(`The response to ${response.request.method} has a body that is not valid JSON.`, {
      response,
      cause,
    });
  }
}

/** Like {@link readBody}, but anything other than a JSON object is a {@link LroBadResponseError}. */
export function readJsonObject(response: PipelineResponse, what: string): JsonObject {
  const body = readBody(response);
  if (isJsonObject(body)) return body;
  const found = body === undefined ? "an empty body" : `a body that is not a JSON object`;
  throw new LroBadResponseError(`Expected ${what} to be a JSON object, but got ${found} (HTTP ${response.status}).`, {
    response,
  });
}
