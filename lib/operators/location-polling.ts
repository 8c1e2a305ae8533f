import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import type { LroOptions } from "../options.js";
import { locationStrategy } from "../strategies/location.js";

/**
 * Polls the URL of the `Location` header until it stops answering 202 Accepted and, when the
 * answer carries a `provisioningState`, until that is terminal; the response that ends it carries
 * the result (none for 204 No Content). A new `Location` on a poll response moves the polling
 * there. The default for ARM PATCH, DELETE and POST.
 *
 * @example
 * ```ts
 * const restarted$ = beginLro({ url: restartUrl, method: "POST" }, { pipeline, polling: locationPolling() });
 * ```
 */
export function locationPolling<TResult = unknown>(options: LroOptions<TResult> = {}): LroPollingOperator<TResult> {
  return createPollingOperator([locationStrategy], "location", options);
}
