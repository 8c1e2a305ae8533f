import type { Pipeline } from "@azure/core-rest-pipeline";

/**
 * The pipeline of `withAngularHttpClient()` when the app passes none: no policies, each request
 * goes straight to the client (Angular's interceptors are the app's pipeline). Not
 * core-rest-pipeline's `createEmptyPipeline()`: importing anything from its index brings its
 * default pipeline and client (~31 KB minified) into every Angular app's bundle. No one can reach
 * this object to add a policy; should that change, it refuses, rather than run without them.
 * @internal
 */
export const directPipeline: Pipeline = Object.freeze({
  sendRequest: (httpClient, request) => httpClient.sendRequest(request),
  addPolicy: () => {
    throw new TypeError("Expected no policies on rx-lro's direct pipeline: pass withAngularHttpClient({ pipeline: createEmptyPipeline() }) and add them to that");
  },
  removePolicy: () => [],
  getOrderedPolicies: () => [],
  clone: () => directPipeline,
} satisfies Pipeline);
