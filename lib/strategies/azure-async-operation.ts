import { operationResourceStrategy } from "./operation-resource.js";

/** Follows the `Azure-AsyncOperation` header (ARM). @internal */
export const azureAsyncOperationStrategy = operationResourceStrategy("azureAsyncOperation", "azure-asyncoperation");
