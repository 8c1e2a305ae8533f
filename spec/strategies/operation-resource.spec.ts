import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { LroBadResponseError } from "../../lib/errors/index.js";
import { azureAsyncOperationStrategy } from "../../lib/strategies/azure-async-operation.js";
import { operationLocationStrategy } from "../../lib/strategies/operation-location.js";
import type { TrackedOperation } from "../../lib/tracked-operation.js";

// The strategies are plain functions of responses: no scheduler, no transport, no engine.
const resource = "https://management.example.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w?api-version=1";
const monitor = "https://management.example.com/subscriptions/s/providers/Microsoft.Demo/operationStatuses/o1?api-version=1";

function response(status: number, headers: Record<string, string> = {}, body?: unknown, method = "GET"): PipelineResponse {
  return {
    request: createPipelineRequest({ url: resource, method: method as "GET" }),
    status,
    headers: createHttpHeaders(body === undefined ? headers : { "content-type": "application/json", ...headers }),
    bodyAsText: body === undefined ? "" : JSON.stringify(body),
  };
}

const operation = (overrides: Partial<TrackedOperation> = {}): TrackedOperation => ({
  strategy: "azureAsyncOperation",
  method: "PUT",
  requestUrl: resource,
  pollingUrl: monitor,
  allowInsecureConnection: false,
  ...overrides,
});

describe("the operation-resource strategies (Azure-AsyncOperation, Operation-Location)", () => {
  it("each follows its own header, and only that one", () => {
    const withAsync = response(201, { "azure-asyncoperation": monitor }, undefined, "PUT");
    const withOperationLocation = response(202, { "operation-location": monitor }, undefined, "POST");
    expect(azureAsyncOperationStrategy.canPoll(withAsync)).toBe(true);
    expect(azureAsyncOperationStrategy.canPoll(withOperationLocation)).toBe(false);
    expect(operationLocationStrategy.canPoll(withOperationLocation)).toBe(true);
    expect(azureAsyncOperationStrategy.pollingLink(withAsync, operation())).toBe(monitor);
  });

  it("reads a status monitor's status, progress and error", () => {
    expect(azureAsyncOperationStrategy.readPoll(response(200, {}, { status: "InProgress", percentComplete: 140 }))).toMatchObject({
      status: "running",
      providerStatus: "InProgress",
      percentComplete: 100,
    });
    expect(azureAsyncOperationStrategy.readPoll(response(200, {}, { status: "Failed", error: { code: "Quota", message: "no" } }))).toMatchObject({
      status: "failed",
      error: { code: "Quota", message: "no" },
    });
    // A 202 that says nothing is still running; a 200 that says nothing is not a status.
    expect(azureAsyncOperationStrategy.readPoll(response(202))).toMatchObject({ status: "running", providerStatus: "Accepted" });
    expect(() => azureAsyncOperationStrategy.readPoll(response(200, {}, {}))).toThrow(LroBadResponseError);
  });

  it("fetches a PUT's result from the resource, a POST's from the Location, a DELETE's from nowhere", () => {
    const done = { status: "succeeded" as const, providerStatus: "Succeeded", body: { status: "Succeeded" } };
    const location = "https://management.example.com/subscriptions/s/providers/Microsoft.Demo/results/r1";
    expect(azureAsyncOperationStrategy.finalResult(operation(), done)).toEqual({ from: "get", url: resource });
    expect(azureAsyncOperationStrategy.finalResult(operation({ method: "POST", location }), done)).toEqual({ from: "get", url: location });
    expect(azureAsyncOperationStrategy.finalResult(operation({ method: "DELETE" }), done)).toEqual({ from: "none" });
    expect(
      azureAsyncOperationStrategy.finalResult(operation({ method: "POST" }), { ...done, body: { status: "Succeeded", resourceLocation: location } }),
    ).toEqual({ from: "get", url: location });
  });
});
