import { bearerTokenAuthenticationPolicy, createHttpHeaders, createPipelineRequest, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { directPipeline } from "../../lib/angular/direct-pipeline.js";

describe("directPipeline", () => {
  it("hands each request to the client as it is, and its answer back", async () => {
    const seen: PipelineRequest[] = [];
    const client = { sendRequest: async (request: PipelineRequest): Promise<PipelineResponse> => (seen.push(request), { request, status: 202, headers: createHttpHeaders({ a: "1" }) }) };
    const request = createPipelineRequest({ url: "https://management.azure.com/x", method: "PUT" });
    const response = await directPipeline.sendRequest(client, request);
    expect(seen).toEqual([request]);
    expect(seen[0]).toBe(request);
    expect(response).toMatchObject({ request, status: 202 });
    await expect(directPipeline.sendRequest({ sendRequest: () => Promise.reject(new Error("down")) }, request)).rejects.toThrow("down");
  });

  it("is empty, and refuses a policy rather than run without it", () => {
    expect(directPipeline.getOrderedPolicies()).toEqual([]);
    expect(directPipeline.removePolicy({ name: "anything" })).toEqual([]);
    expect(directPipeline.clone().getOrderedPolicies()).toEqual([]);
    const policy = bearerTokenAuthenticationPolicy({ credential: { getToken: async () => null }, scopes: "https://management.azure.com/.default" });
    expect(() => directPipeline.addPolicy(policy)).toThrowError(
      new TypeError("Expected no policies on rx-lro's direct pipeline: pass withAngularHttpClient({ pipeline: createEmptyPipeline() }) and add them to that"),
    );
    expect(Object.isFrozen(directPipeline)).toBe(true);
  });
});
