import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import type { LroOptions } from "../options.js";
import { operationLocationStrategy } from "../strategies/operation-location.js";

/**
 * Polls an operation through the status monitor its `Operation-Location` header names: the Azure
 * data-plane pattern (Cognitive Services, Key Vault, …). Reads `status` like
 * {@link azureAsyncOperationPolling}, with the same final-result rules.
 *
 * @example
 * ```ts
 * const states$ = beginLro(
 *   { url: `${endpoint}/analyze?api-version=2024-11-30`, method: "POST", json: document },
 *   { pipeline, polling: operationLocationPolling({ finalStateVia: "operation-location" }) },
 * );
 * ```
 */
export function operationLocationPolling<TResult = unknown>(options: LroOptions<TResult> = {}): LroPollingOperator<TResult> {
  return createPollingOperator([operationLocationStrategy], "operationLocation", options);
}
