import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import type { LroOptions } from "../options.js";
import { azureAsyncOperationStrategy } from "../strategies/azure-async-operation.js";
import { bodyContentStrategy } from "../strategies/body-content.js";
import { locationStrategy } from "../strategies/location.js";
import { operationLocationStrategy } from "../strategies/operation-location.js";
import { statusCheckStrategy } from "../strategies/status-check.js";

const dataPlaneOrder = [
  operationLocationStrategy,
  azureAsyncOperationStrategy,
  locationStrategy,
  bodyContentStrategy,
  statusCheckStrategy,
];

/**
 * The Azure data-plane preset: like {@link armPolling}, but `Operation-Location` (the Azure REST
 * guidelines' header) comes before `Azure-AsyncOperation`.
 *
 * @example
 * ```ts
 * const analysis$ = beginLro(
 *   { url: `${endpoint}/documentintelligence/documentModels/prebuilt-read:analyze?api-version=2024-11-30`, method: "POST", json: { urlSource } },
 *   { pipeline, polling: lroPolling({ finalStateVia: "operation-location" }) },
 * ).pipe(lroResult());
 * ```
 */
export function lroPolling<TResult = unknown>(options: LroOptions<TResult> = {}): LroPollingOperator<TResult> {
  return createPollingOperator(dataPlaneOrder, "lro", options);
}
