import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import type { LroOptions } from "../options.js";
import { bodyContentStrategy } from "../strategies/body-content.js";

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
