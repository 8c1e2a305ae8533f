import { readBody } from "../http/body.js";
import { readResource } from "./reading.js";
import type { PollingStrategy } from "./strategy.js";

/** Takes the initial response as final. @internal */
export const statusCheckStrategy: PollingStrategy = {
  name: "statusCheck",
  // A 202 with neither a polling header nor a body gives nothing to follow: an error, not a success.
  canPoll: (initial) => initial.status !== 202 || (initial.bodyAsText ?? "").trim() !== "",
  pollingLink: () => undefined,
  readInitial: (response) => {
    const reading = readResource(response, readBody(response), "succeeded");
    return reading.status === "running" ? { ...reading, status: "succeeded" } : reading;
  },
  readPoll: (response) => readResource(response, readBody(response), "succeeded"),
  finalResult: () => ({ from: "body" }),
};
