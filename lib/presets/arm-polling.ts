import { createPollingOperator, type LroPollingOperator } from "../engine/polling-operator.js";
import type { LroOptions } from "../options.js";
import { azureAsyncOperationStrategy } from "../strategies/azure-async-operation.js";
import { bodyContentStrategy } from "../strategies/body-content.js";
import { locationStrategy } from "../strategies/location.js";
import { operationLocationStrategy } from "../strategies/operation-location.js";
import { statusCheckStrategy } from "../strategies/status-check.js";

const armOrder = [
  azureAsyncOperationStrategy,
  operationLocationStrategy,
  locationStrategy,
  bodyContentStrategy,
  statusCheckStrategy,
];

/**
 * The Azure Resource Manager preset: follows an operation with the first algorithm able to,
 * in ARM's order: `Azure-AsyncOperation`, `Operation-Location`, `Location`, the resource's
 * `provisioningState` (PUT/PATCH), else the initial response is final. The default `polling`
 * of `beginLro` and `pollLro`.
 *
 * @example
 * ```ts
 * const vm$ = beginLro(
 *   { url: `${arm}/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`, method: "PUT", json: vm },
 *   { pipeline, polling: armPolling({ intervalInMs: 5000 }) },
 * ).pipe(lroResult());
 * ```
 */
export function armPolling<TResult = unknown>(options: LroOptions<TResult> = {}): LroPollingOperator<TResult> {
  return createPollingOperator(armOrder, "arm", options);
}
