import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import type { LroOptions } from "../options.js";
import { statusCheckStrategy } from "../strategies/status-check.js";

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
