import type { LroStrategyName } from "../state.js";
import { azureAsyncOperationStrategy } from "./azure-async-operation.js";
import { bodyContentStrategy } from "./body-content.js";
import { locationStrategy } from "./location.js";
import { operationLocationStrategy } from "./operation-location.js";
import { statusCheckStrategy } from "./status-check.js";
import type { PollingStrategy } from "./strategy.js";

/** Every algorithm by name: how a continuation token finds the one that wrote it. @internal */
export const strategiesByName: Readonly<Record<LroStrategyName, PollingStrategy>> = {
  azureAsyncOperation: azureAsyncOperationStrategy,
  operationLocation: operationLocationStrategy,
  location: locationStrategy,
  bodyContent: bodyContentStrategy,
  statusCheck: statusCheckStrategy,
};
