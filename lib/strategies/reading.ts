import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { readBody, isJsonObject } from "../http/body.js";
import { statusFromWord, type LroErrorDetail, type LroStatus } from "../state.js";

/** What a strategy reads from one response. */
export interface Reading {
  readonly status: LroStatus;
  readonly providerStatus: string;
  readonly percentComplete?: number;
  readonly error?: LroErrorDetail;
  /** The parsed body: the result when nothing else is fetched, and where `resourceLocation` is found. */
  readonly body: unknown;
}

const reasonPhrases: Readonly<Record<number, string>> = { 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content" };

/** The HTTP reason phrase, standing in for a status word when the service gives none. */
export function reasonPhrase(httpStatus: number): string {
  return reasonPhrases[httpStatus] ?? `HTTP ${httpStatus}`;
}

/** `properties.provisioningState ?? provisioningState`, when it is a non-empty string. */
export function provisioningStateOf(body: unknown): string | undefined {
  if (!isJsonObject(body)) return undefined;
  const nested = isJsonObject(body.properties) ? body.properties.provisioningState : undefined;
  const word = nested ?? body.provisioningState;
  return typeof word === "string" && word.trim() !== "" ? word : undefined;
}

/** `percentComplete` when it is a finite number, clamped to 0–100. */
export function percentCompleteOf(body: unknown): number | undefined {
  const value = isJsonObject(body) ? body.percentComplete : undefined;
  return typeof value === "number" && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : undefined;
}

/** A non-empty `resourceLocation` in an operation-status body. */
export function resourceLocationOf(body: unknown): string | undefined {
  const value = isJsonObject(body) ? body.resourceLocation : undefined;
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

const maxErrorDepth = 8;
const maxErrorDetails = 64;

function errorDetailFrom(value: unknown, depth: number): LroErrorDetail | undefined {
  if (!isJsonObject(value) || depth > maxErrorDepth) return undefined;
  const { code, message, target, details, innererror } = value;
  const detail: LroErrorDetail = {
    code: typeof code === "string" || typeof code === "number" ? String(code) : "UnknownError",
    message: typeof message === "string" ? message : "",
    ...(typeof target === "string" ? { target } : {}),
    ...(Array.isArray(details)
      ? {
          details: details
            .slice(0, maxErrorDetails)
            .map((item) => errorDetailFrom(item, depth + 1))
            .filter((item): item is LroErrorDetail => item !== undefined),
        }
      : {}),
    ...(innererror === undefined ? {} : { innererror }),
  };
  return detail;
}

/**
 * The service's error object from a body: `error` (ARM and status monitors), else
 * `properties.error`. Fields of the wrong type are normalised, never trusted.
 */
export function serviceErrorOf(body: unknown): LroErrorDetail | undefined {
  if (!isJsonObject(body)) return undefined;
  const nested = isJsonObject(body.properties) ? body.properties.error : undefined;
  return errorDetailFrom(body.error ?? nested, 0);
}

/** A body read leniently: an unparsable body counts as no body (initial responses need none). */
export function bodyOrNothing(response: PipelineResponse): unknown {
  try {
    return readBody(response);
  } catch {
    return undefined;
  }
}

/**
 * Reads a resource body whose `provisioningState` speaks for the operation; without one, the
 * HTTP status decides (`fallback`).
 */
export function readResource(response: PipelineResponse, body: unknown, fallback: LroStatus): Reading {
  const word = provisioningStateOf(body);
  const status = word === undefined ? fallback : statusFromWord(word);
  const reading: { -readonly [K in keyof Reading]: Reading[K] } = { status, providerStatus: word ?? reasonPhrase(response.status), body };
  if (status === "failed" || status === "canceled") reading.error = serviceErrorOf(body);
  return reading;
}

/**
 * The initial response of a header-driven operation: running, unless it is a 200/201 whose body
 * already carries a terminal `provisioningState` (then it is done and must not be polled).
 */
export function readInitialOfTracked(response: PipelineResponse): Reading {
  const body = bodyOrNothing(response);
  const reading = readResource(response, body, "running");
  const finishedAtOnce = (response.status === 200 || response.status === 201) && reading.status !== "running";
  return finishedAtOnce ? reading : Object.assign({}, reading, { status: "running" as const, error: undefined });
}
