import { readBody } from "../http/body.js";
import type { LroOptions } from "../options.js";
import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
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

/**
 * The last resort: an operation whose initial response gives no way to poll is finished by that
 * response, which is its result (a `provisioningState` of Failed or Canceled in it still counts).
 * An accepted (202) request with neither a polling header nor a body cannot be followed and
 * errors with `LroBadResponseError`.
 *
 * @example
 * ```ts
 * pollLro(response, { polling: statusCheckPolling() }).subscribe((state) => console.log(state.status));
 * ```
 */
export function statusCheckPolling<TResult = unknown>(options: LroOptions<TResult> = {}): LroPollingOperator<TResult> {
  return createPollingOperator([statusCheckStrategy], "statusCheck", options);
}
