import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { readBody } from "../http/body.js";
import type { LroOptions } from "../options.js";
import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import { readResource, type Reading } from "./reading.js";
import type { PollingStrategy } from "./strategy.js";

function isPutOrPatch(method: string): boolean {
  const upper = method.toUpperCase();
  return upper === "PUT" || upper === "PATCH";
}

/** 202: running; 204: done; 200/201: the resource's `provisioningState`, which a 200 may omit when done. */
function readResourceResponse(response: PipelineResponse): Reading {
  if (response.status === 202) return readResource(response, readBody(response), "running");
  const body = response.status === 204 ? undefined : readBody(response);
  return readResource(response, body, response.status === 201 ? "running" : "succeeded");
}

/** Follows the resource's own `provisioningState`. @internal */
export const bodyContentStrategy: PollingStrategy = {
  name: "bodyContent",
  canPoll: (initial) => isPutOrPatch(initial.request.method),
  pollingLink: (_response, operation) => operation.requestUrl,
  readInitial: readResourceResponse,
  readPoll: readResourceResponse,
  finalResult: () => ({ from: "body" }),
};

/**
 * Polls the resource a PUT or PATCH created or updated, at the request's own URL, until its
 * `properties.provisioningState` (or top-level `provisioningState`) is terminal. The last body
 * is the result. For operations that answer 201/202 without any polling header.
 *
 * @example
 * ```ts
 * const created$ = beginLro({ url: resourceUrl, method: "PUT", json: resource }, { pipeline, polling: bodyContentPolling() });
 * ```
 */
export function bodyContentPolling<TResult = unknown>(options: LroOptions<TResult> = {}): LroPollingOperator<TResult> {
  return createPollingOperator([bodyContentStrategy], "bodyContent", options);
}
