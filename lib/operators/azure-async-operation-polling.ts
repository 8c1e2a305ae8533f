import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import type { LroOptions } from "../options.js";
import { azureAsyncOperationStrategy } from "../strategies/azure-async-operation.js";

/**
 * Polls an operation through the status monitor its `Azure-AsyncOperation` header names: the ARM
 * pattern. Each poll reads `status` (and `percentComplete`, `error`) from the monitor; when it
 * succeeds, the final result is fetched as `finalStateVia` and the HTTP method say (PUT/PATCH: the
 * resource; POST: the `Location` header or `resourceLocation`; DELETE: nothing).
 *
 * Maps an initial response to its states: use it with {@link pollLro} or `beginLro`'s `polling`,
 * or pipe a response into it.
 *
 * @example
 * ```ts
 * const states$ = beginLro(
 *   { url: vmStartUrl, method: "POST" },
 *   { pipeline, polling: azureAsyncOperationPolling({ finalStateVia: "azure-async-operation" }) },
 * );
 * ```
 */
export function azureAsyncOperationPolling<TResult = unknown>(options: LroOptions<TResult> = {}): LroPollingOperator<TResult> {
  return createPollingOperator([azureAsyncOperationStrategy], "azureAsyncOperation", options);
}
