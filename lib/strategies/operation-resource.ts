import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { LroBadResponseError } from "../errors/lro-bad-response-error.js";
import { readJsonObject } from "../http/body.js";
import { headerLink } from "../http/headers.js";
import { statusFromWord, type LroStrategyName } from "../state.js";
import {
  percentCompleteOf,
  provisioningStateOf,
  readInitialOfTracked,
  reasonPhrase,
  resourceLocationOf,
  serviceErrorOf,
  type Reading,
} from "./reading.js";
import type { FinalResultSource, PollingStrategy } from "./strategy.js";
import type { TrackedOperation } from "../tracked-operation.js";

/**
 * Reads an operation-status resource: `{ status, percentComplete?, error?, resourceLocation?, … }`.
 * A monitor that answers with the resource instead (no `status`, a `provisioningState`) is read
 * by that; a 202 that says nothing means the operation is still running; any other response
 * without a status word is a {@link LroBadResponseError}.
 */
function readStatusMonitor(response: PipelineResponse): Reading {
  const accepted = response.status === 202;
  if (accepted && (response.bodyAsText ?? "").trim() === "") {
    return { status: "running", providerStatus: reasonPhrase(202), body: undefined };
  }
  const body = readJsonObject(response, "the operation status");
  const word: unknown = body.status ?? provisioningStateOf(body);
  if (typeof word !== "string" && word !== undefined && word !== null) {
    throw new LroBadResponseError(
      `The operation status (HTTP ${response.status}) has a \`status\` that is not a string: ${JSON.stringify(word)}.`,
      { response },
    );
  }
  if (typeof word !== "string" || word.trim() === "") {
    if (accepted) return { status: "running", providerStatus: reasonPhrase(202), body };
    throw new LroBadResponseError(`The operation status (HTTP ${response.status}) has no \`status\`.`, { response });
  }
  const status = statusFromWord(word);
  const percentComplete = percentCompleteOf(body);
  // Assignments, not conditional spreads: this runs once per poll, and V8 builds those slowly.
  const reading: { -readonly [K in keyof Reading]: Reading[K] } = { status, providerStatus: word, body };
  if (percentComplete !== undefined) reading.percentComplete = percentComplete;
  if (status === "failed" || status === "canceled") reading.error = serviceErrorOf(body);
  return reading;
}

/**
 * The final-result rules shared by the Azure-AsyncOperation and Operation-Location algorithms
 * (the union of Python's `OperationResourcePolling` and core-lro's `findResourceLocation`).
 */
function finalResultOfOperationResource(operation: TrackedOperation, last: Reading): FinalResultSource {
  const { method, finalStateVia, location, requestUrl } = operation;
  // POST, and the rare GET: an action whose result is not the resource at the request URL.
  const action = method !== "PUT" && method !== "PATCH" && method !== "DELETE";
  if (finalStateVia === "location" && location !== undefined) return { from: "get", url: location };
  if ((finalStateVia === "azure-async-operation" || finalStateVia === "operation-location") && action) {
    return { from: "body" };
  }
  const resourceLocation = resourceLocationOf(last.body);
  if (resourceLocation !== undefined) return { from: "get", url: resourceLocation };
  if (finalStateVia === "original-uri" || method === "PUT" || method === "PATCH") return { from: "get", url: requestUrl };
  if (action && location !== undefined) return { from: "get", url: location };
  if (method === "DELETE") return { from: "none" };
  return { from: "body" };
}

/** An algorithm that polls an operation-status resource named by a response header. */
export function operationResourceStrategy(name: LroStrategyName, header: string): PollingStrategy {
  return {
    name,
    canPoll: (initial) => headerLink(initial, header) !== undefined,
    pollingLink: (response) => headerLink(response, header),
    readInitial: readInitialOfTracked,
    readPoll: readStatusMonitor,
    finalResult: finalResultOfOperationResource,
  };
}
