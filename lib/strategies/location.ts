import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { isJsonObject, readBody } from "../http/body.js";
import { statusFromWord } from "../state.js";
import { headerLink } from "../http/headers.js";
import { readInitialOfTracked, readResource, reasonPhrase, resourceLocationOf, serviceErrorOf, type Reading } from "./reading.js";
import type { PollingStrategy } from "./strategy.js";

/**
 * A Location poll: 202 means running. A 200/201 whose body carries a `provisioningState` is read
 * by it, so a resource still `Creating` or `Updating` keeps the operation running (ARM answers so
 * when the Location names the resource itself, as a Microsoft.Cache/Redis PUT does; Go's `loc`
 * poller reads it the same way); any other 2xx means done, its body being the result. A Failed
 * or Canceled `status` that comes with an ARM `error` object also ends it, so a failure reported
 * there is not swallowed (msrestazure#157); other `status` words do not keep a finished operation
 * running, since a `status` field alone may be part of a legitimate result.
 */
function readLocationPoll(response: PipelineResponse): Reading {
  if (response.status === 202) {
    return { status: "running", providerStatus: reasonPhrase(202), body: undefined };
  }
  const body = readBody(response);
  const reading = readResource(response, body, "succeeded");
  if (reading.status !== "succeeded") return reading;
  const word = isJsonObject(body) && isJsonObject(body.error) && typeof body.status === "string" ? body.status : undefined;
  const reported = word === undefined ? undefined : statusFromWord(word);
  if (word !== undefined && (reported === "failed" || reported === "canceled")) {
    return { status: reported, providerStatus: word, error: serviceErrorOf(body), body };
  }
  return reading;
}

/** Follows the `Location` header. @internal */
export const locationStrategy: PollingStrategy = {
  name: "location",
  canPoll: (initial) => headerLink(initial, "location") !== undefined,
  pollingLink: (response) => headerLink(response, "location"),
  readInitial: readInitialOfTracked,
  readPoll: readLocationPoll,
  finalResult(operation, last) {
    if (operation.finalStateVia === "original-uri") return { from: "get", url: operation.requestUrl };
    const resourceLocation = resourceLocationOf(last.body);
    return resourceLocation === undefined ? { from: "body" } : { from: "get", url: resourceLocation };
  },
};
