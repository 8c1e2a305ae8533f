import type { PipelineRequest } from "@azure/core-rest-pipeline";
import { isTerminalStatus, statusFromWord, type LroErrorDetail, type LroStatus } from "../state.js";
import type { FakeReply, FakeResponder } from "./fake-transport.js";

/**
 * How a scripted operation tells the client to follow it:
 * - `"azure-async-operation"`: an `Azure-AsyncOperation` header naming an ARM status monitor
 *   (`{ id, name, status, percentComplete?, error? }`); a POST or DELETE also gets a `Location`
 *   for its result.
 * - `"operation-location"`: an `Operation-Location` header naming a data-plane status monitor
 *   (`{ id, status, percentComplete?, error?, result? }`).
 * - `"location"`: a `Location` header whose URL answers 202 until the operation ends, then the result.
 * - `"body"`: no header; the resource (PUT or PATCH only) reports `properties.provisioningState`.
 */
export type FakeLroPattern = "azure-async-operation" | "operation-location" | "location" | "body";

/**
 * What one poll answers:
 * - a status word (`"InProgress"`, `"Running"`, `"Succeeded"`, `"Failed"`, `"Canceled"`, or any word a provider uses);
 * - a status word with `percentComplete` (status monitors only) and its own `retryAfterInSeconds`;
 * - an HTTP error instead (`{ httpStatus: 503 }`), with an optional ARM `error` body: a transient
 *   failure of that one poll, which rx-lro retries; the operation itself does not move.
 */
export type FakeLroStep =
  | string
  | {
      /** The service's status word for this poll. */
      readonly status: string;
      /** Progress in percent; status monitors (`azure-async-operation`, `operation-location`) only. */
      readonly percentComplete?: number;
      /** `Retry-After` (seconds) of this answer, instead of the script's. */
      readonly retryAfterInSeconds?: number;
    }
  | {
      /** The HTTP status this poll answers instead of a status (a 4xx or 5xx). */
      readonly httpStatus: number;
      /** The ARM error sent in its body (`{ "error": … }`); a generic one when omitted. */
      readonly error?: LroErrorDetail;
      /** `Retry-After` (seconds) of this answer. */
      readonly retryAfterInSeconds?: number;
    };

/** The error an initial request is refused with: an HTTP status (4xx or 5xx) and the ARM error body. */
export interface FakeLroInitialError {
  /** The HTTP status, 400–599. */
  readonly status: number;
  /** The ARM error code (also sent as `x-ms-error-code`). */
  readonly code: string;
  /** The ARM error message. */
  readonly message: string;
}

/** The script of the operations one route begins. Everything is optional: `{}` is an operation that polls once and succeeds. */
export interface FakeLroScript {
  /** How the operation is followed. @defaultValue "azure-async-operation" */
  readonly pattern?: FakeLroPattern;
  /**
   * What the polls answer, one entry per poll, in order. A last entry that is not terminal is
   * followed by `"Failed"` when `error` is given, else `"Succeeded"`; the terminal answer then
   * repeats. Entries after a terminal word are refused.
   * @defaultValue `["InProgress"]` (`["Running"]` for `operation-location`), then the terminal word
   */
  readonly statuses?: readonly FakeLroStep[];
  /** `Retry-After` (seconds) on the initial response and every poll that is not terminal. @defaultValue none */
  readonly retryAfterInSeconds?: number;
  /** The ARM error a `Failed` or `Canceled` operation reports (in its status monitor, or resource, or Location answer). */
  readonly error?: LroErrorDetail;
  /**
   * The final body of a succeeded operation, sent as given: the resource (PUT, PATCH: what a GET
   * of the request URL answers), the `Location` answer (POST, DELETE), or, with
   * `operation-location` on a POST, the status monitor's `result` (rx-lro's result is then that
   * whole status body, as the Azure REST guidelines' actions return it). No body (204) when omitted.
   */
  readonly result?: unknown;
  /**
   * The initial response's status. @defaultValue 201 for PUT, 200 for a `body` PATCH, else 202
   */
  readonly initialStatus?: 200 | 201 | 202;
  /** Refuse the initial request with this error instead of starting an operation. */
  readonly initialError?: FakeLroInitialError;
}

const patterns: readonly FakeLroPattern[] = ["azure-async-operation", "operation-location", "location", "body"];
const monitorPatterns: readonly FakeLroPattern[] = ["azure-async-operation", "operation-location"];

interface Answer {
  readonly word: string;
  readonly status: LroStatus;
  readonly percentComplete?: number;
  readonly retryAfterInSeconds?: number;
}

interface HttpErrorAnswer {
  readonly httpStatus: number;
  readonly error?: LroErrorDetail;
  readonly retryAfterInSeconds?: number;
}

/** A script checked and filled in. @internal */
export interface CheckedScript {
  readonly pattern: FakeLroPattern;
  readonly steps: readonly (Answer | HttpErrorAnswer)[];
  readonly retryAfterInSeconds?: number;
  readonly error?: LroErrorDetail;
  readonly result?: unknown;
  readonly initialStatus?: number;
  readonly initialError?: FakeLroInitialError;
}

function describe(value: unknown): string {
  return `${typeof value === "string" ? JSON.stringify(value) : String(value)} (${value === null ? "null" : typeof value})`;
}

function checkSeconds(name: string, value: unknown): void {
  if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    throw new TypeError(`Expected \`${name}\` to be a non-negative number of seconds, got ${describe(value)}`);
  }
}

function checkError(name: string, value: unknown): void {
  if (value === undefined) return;
  const error = value as Partial<LroErrorDetail> | null;
  if (typeof error !== "object" || error === null || typeof error.code !== "string" || typeof error.message !== "string") {
    throw new TypeError(`Expected \`${name}\` to be an ARM error { code: string, message: string }, got ${describe(value)}`);
  }
}

function checkStep(step: FakeLroStep, index: number, pattern: FakeLroPattern): Answer | HttpErrorAnswer {
  const name = `statuses[${index}]`;
  if (typeof step === "string") step = { status: step };
  if (typeof step !== "object" || step === null) {
    throw new TypeError(`Expected \`${name}\` to be a status word or an object, got ${describe(step)}`);
  }
  checkSeconds(`${name}.retryAfterInSeconds`, step.retryAfterInSeconds);
  if ("httpStatus" in step) {
    if (!(Number.isInteger(step.httpStatus) && step.httpStatus >= 400 && step.httpStatus <= 599)) {
      throw new TypeError(`Expected \`${name}.httpStatus\` to be an HTTP error status (400–599), got ${describe(step.httpStatus)}`);
    }
    checkError(`${name}.error`, step.error);
    return step;
  }
  if (typeof step.status !== "string" || step.status.trim() === "") {
    throw new TypeError(`Expected \`${name}.status\` to be a non-empty status word, got ${describe(step.status)}`);
  }
  if (step.percentComplete !== undefined) {
    if (!monitorPatterns.includes(pattern)) {
      throw new TypeError(`\`${name}.percentComplete\` is reported by status monitors only; the "${pattern}" pattern has nowhere to send it`);
    }
    if (!(typeof step.percentComplete === "number" && step.percentComplete >= 0 && step.percentComplete <= 100)) {
      throw new TypeError(`Expected \`${name}.percentComplete\` to be a number from 0 to 100, got ${describe(step.percentComplete)}`);
    }
  }
  return { ...step, word: step.status, status: statusFromWord(step.status) };
}

/** Checks a script the moment it is given, naming what is wrong, and fills in its defaults. @internal */
export function checkScript(method: string, script: FakeLroScript): CheckedScript {
  if (typeof script !== "object" || script === null) throw new TypeError(`Expected the script to be an object, got ${describe(script)}`);
  const pattern = script.pattern ?? "azure-async-operation";
  if (!patterns.includes(pattern)) {
    throw new TypeError(`Expected \`pattern\` to be one of ${patterns.map((p) => `"${p}"`).join(", ")}, got ${describe(pattern)}`);
  }
  if (pattern === "body" && method !== "PUT" && method !== "PATCH") {
    throw new TypeError(`The "body" pattern follows a PUT or PATCH (the resource reports its provisioningState), not a ${method}`);
  }
  checkSeconds("retryAfterInSeconds", script.retryAfterInSeconds);
  checkError("error", script.error);
  if (script.initialStatus !== undefined && ![200, 201, 202].includes(script.initialStatus)) {
    throw new TypeError(`Expected \`initialStatus\` to be 200, 201 or 202, got ${describe(script.initialStatus)}`);
  }
  if (script.initialError !== undefined) {
    const { status } = script.initialError;
    if (!(Number.isInteger(status) && status >= 400 && status <= 599)) {
      throw new TypeError(`Expected \`initialError.status\` to be an HTTP error status (400–599), got ${describe(status)}`);
    }
    checkError("initialError", script.initialError);
  }
  if (script.statuses !== undefined && !Array.isArray(script.statuses)) {
    throw new TypeError(`Expected \`statuses\` to be an array, got ${describe(script.statuses)}`);
  }
  const given = script.statuses ?? [pattern === "operation-location" ? "Running" : "InProgress"];
  const steps = given.map((step, index) => checkStep(step, index, pattern));
  const terminalAt = steps.findIndex((step) => "status" in step && isTerminalStatus(step.status));
  if (terminalAt !== -1 && terminalAt !== steps.length - 1) {
    throw new TypeError(`\`statuses[${terminalAt}]\` is terminal (${JSON.stringify(given[terminalAt])}), so nothing may follow it`);
  }
  if (terminalAt === -1) {
    const word = script.error === undefined ? "Succeeded" : "Failed";
    steps.push({ word, status: statusFromWord(word) });
  }
  return { ...script, pattern, steps };
}

/** The URLs of one running operation, and the state it has reached. */
interface Operation {
  readonly id: string;
  readonly method: string;
  readonly requestUrl: string;
  readonly monitorUrl: string | undefined;
  readonly resultUrl: string | undefined;
  /** Index of the next step a poll answers. */
  next: number;
  /** The last status answered (before any poll: `Accepted`). */
  current: Answer;
}

/** Routes the service gives to a started operation. @internal */
export interface OperationRoutes {
  readonly initial: FakeReply;
  readonly routes: readonly { readonly method: string; readonly url: string; readonly responder: FakeResponder }[];
}

const accepted: Answer = { word: "Accepted", status: "running" };

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { "retry-after": String(seconds) };
}

function withProvisioningState(resource: unknown, word: string): Record<string, unknown> {
  const base = typeof resource === "object" && resource !== null && !Array.isArray(resource) ? (resource as Record<string, unknown>) : {};
  const properties = typeof base.properties === "object" && base.properties !== null ? (base.properties as Record<string, unknown>) : {};
  return { ...base, properties: { ...properties, provisioningState: word } };
}

function errorReply(status: number, error: LroErrorDetail, seconds?: number): FakeReply {
  return { status, headers: { "x-ms-error-code": error.code, ...retryAfter(seconds) }, body: { error } };
}

function operationUrl(base: string, kind: string, id: string, requestUrl: URL): string {
  const apiVersion = requestUrl.searchParams.get("api-version");
  const url = new URL(`${base.replace(/\/+$/, "")}/${kind}/${id}`);
  if (apiVersion !== null) url.searchParams.set("api-version", apiVersion);
  return url.href;
}

/**
 * Starts one operation of a script for an initial request: the initial answer, and the routes
 * its status monitor, result URL and resource answer while it runs and after it ends. @internal
 */
export function startOperation(script: CheckedScript, request: PipelineRequest, id: string, baseUrl: string | undefined): OperationRoutes {
  const method = request.method.toUpperCase();
  const requestUrl = new URL(request.url);
  const base = baseUrl ?? requestUrl.origin;
  const { pattern } = script;
  const monitorUrl =
    pattern === "azure-async-operation"
      ? operationUrl(base, "operationStatuses", id, requestUrl)
      : pattern === "operation-location"
        ? operationUrl(base, "operations", id, requestUrl)
        : undefined;
  const locationForResult = pattern === "location" || (pattern === "azure-async-operation" && (method === "POST" || method === "DELETE"));
  const resultUrl = locationForResult ? operationUrl(base, "operationResults", id, requestUrl) : undefined;
  const operation: Operation = { id, method, requestUrl: request.url, monitorUrl, resultUrl, next: 0, current: accepted };
  const resource = method === "PUT" || method === "PATCH";

  /** Answers the next step (a poll), moving the operation on; the terminal step repeats. */
  const poll = (answer: (step: Answer) => FakeReply): FakeReply => {
    const step = script.steps[Math.min(operation.next, script.steps.length - 1)]!;
    operation.next++;
    if (!("status" in step)) {
      return errorReply(step.httpStatus, step.error ?? { code: "ServiceUnavailable", message: `The fake service answered ${step.httpStatus}.` }, step.retryAfterInSeconds);
    }
    operation.current = step;
    return answer(step);
  };
  const stepRetryAfter = (step: Answer) => (isTerminalStatus(step.status) ? {} : retryAfter(step.retryAfterInSeconds ?? script.retryAfterInSeconds));
  const errorOf = (step: Answer) => (step.status === "failed" || step.status === "canceled") && script.error !== undefined ? { error: script.error } : {};

  const monitorBody = (step: Answer): Record<string, unknown> => {
    const body: Record<string, unknown> =
      pattern === "azure-async-operation" ? { id: new URL(monitorUrl!).pathname, name: id, status: step.word } : { id, status: step.word };
    if (step.percentComplete !== undefined) body.percentComplete = step.percentComplete;
    Object.assign(body, errorOf(step));
    if (pattern === "operation-location" && method === "POST" && step.status === "succeeded" && script.result !== undefined) body.result = script.result;
    return body;
  };
  /** The Location (operationResults) answer for a step: 202 while running, then the result. */
  const locationAnswer = (step: Answer): FakeReply => {
    if (!isTerminalStatus(step.status)) return { status: 202, headers: { location: resultUrl!, ...stepRetryAfter(step) } };
    if (step.status === "succeeded") return script.result === undefined ? { status: 204 } : { status: 200, body: script.result };
    // A failed or canceled operation: a terminal provisioningState (read as a resource) and a status word with the error.
    return { status: 200, body: { ...withProvisioningState(undefined, step.word), status: step.word, ...errorOf(step) } };
  };
  /** The resource at the request URL: its provisioningState follows the operation; once it succeeded, the result. */
  const resourceAnswer = (step: Answer): FakeReply => {
    if (step.status === "succeeded" && (pattern !== "body" || script.result !== undefined)) return { status: 200, body: script.result ?? withProvisioningState(undefined, step.word) };
    return { status: 200, headers: stepRetryAfter(step), body: { ...withProvisioningState(script.result, step.word), ...errorOf(step) } };
  };

  const routes: { method: string; url: string; responder: FakeResponder }[] = [];
  if (monitorUrl !== undefined) {
    routes.push({ method: "GET", url: monitorUrl, responder: () => poll((step) => ({ status: 200, headers: stepRetryAfter(step), body: monitorBody(step) })) });
  }
  if (resultUrl !== undefined) {
    const responder = pattern === "location" ? () => poll(locationAnswer) : () => locationAnswer(operation.current);
    routes.push({ method: "GET", url: resultUrl, responder });
  }
  if (resource) {
    const responder = pattern === "body" ? () => poll(resourceAnswer) : () => resourceAnswer(operation.current);
    routes.push({ method: "GET", url: request.url, responder });
  }

  const initialStatus = script.initialStatus ?? (method === "PUT" ? 201 : pattern === "body" && method === "PATCH" ? 200 : 202);
  const headers: Record<string, string> = { ...retryAfter(script.retryAfterInSeconds) };
  if (pattern === "azure-async-operation") headers["azure-asyncoperation"] = monitorUrl!;
  if (pattern === "operation-location") headers["operation-location"] = monitorUrl!;
  if (resultUrl !== undefined) headers.location = resultUrl;
  const body = resource && initialStatus !== 202 ? withProvisioningState(script.result, accepted.word) : undefined;
  return { initial: { status: initialStatus, headers, ...(body === undefined ? {} : { body }) }, routes };
}

/** The answer to an initial request the script refuses. @internal */
export function initialErrorReply(error: FakeLroInitialError): FakeReply {
  return errorReply(error.status, { code: error.code, message: error.message });
}
