import { operationResourceStrategy } from "./operation-resource.js";

/** Follows the `Operation-Location` header (Azure data-plane). @internal */
export const operationLocationStrategy = operationResourceStrategy("operationLocation", "operation-location");
