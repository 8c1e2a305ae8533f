import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { readBody } from "../http/body.js";
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
