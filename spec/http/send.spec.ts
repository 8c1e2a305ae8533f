import { createEmptyPipeline, createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { asyncScheduler, firstValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { LroRequestError } from "../../lib/errors/lro-request-error.js";
import { send } from "../../lib/http/send.js";

describe("send", () => {
  const settings = { scheduler: asyncScheduler, maxDelayInMs: 60_000 };
  const during = () => "PUT https://example.com/w (the initial request)";

  it("is cold: nothing goes out until a subscription, and each subscription sends once", async () => {
    const seen: PipelineRequest[] = [];
    const client: HttpClient = { sendRequest: async (request): Promise<PipelineResponse> => (seen.push(request), { request, status: 503, headers: createHttpHeaders() }) };
    const response$ = send({ pipeline: createEmptyPipeline(), httpClient: client }, { url: "https://example.com/w", method: "PUT" }, settings, during);
    expect(seen).toHaveLength(0);
    const response = await firstValueFrom(response$);
    // Sent once, never retried: an initial request need not be idempotent; the status is the caller's to judge.
    expect(response.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it("sets no deadline of its own, even when the settings it is given carry a requestTimeoutInMs (that one is for polls)", async () => {
    const client: HttpClient = {
      sendRequest: (request) =>
        new Promise((resolve, reject) => {
          request.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
          setTimeout(() => resolve({ request, status: 201, headers: createHttpHeaders() }), 30);
        }),
    };
    const pollSettings = { ...settings, requestTimeoutInMs: 1 };
    const response = await firstValueFrom(send({ pipeline: createEmptyPipeline(), httpClient: client }, { url: "https://example.com/w", method: "PUT" }, pollSettings, during));
    expect(response.status).toBe(201);
  });

  it("unsubscribing aborts the request", async () => {
    const seen: PipelineRequest[] = [];
    const client: HttpClient = { sendRequest: (request) => (seen.push(request), new Promise<PipelineResponse>(() => {})) };
    const subscription = send({ pipeline: createEmptyPipeline(), httpClient: client }, { url: "https://example.com/w" }, settings, during).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 0));
    subscription.unsubscribe();
    expect(seen[0]!.abortSignal?.aborted).toBe(true);
  });

  it("a transport failure is an LroRequestError naming the request, with the cause", async () => {
    const cause = new Error("connect ECONNREFUSED");
    const client: HttpClient = { sendRequest: () => Promise.reject(cause) };
    const error = await firstValueFrom(send({ pipeline: createEmptyPipeline(), httpClient: client }, { url: "https://example.com/w" }, settings, during)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LroRequestError);
    expect(error).toMatchObject({ message: "The request PUT https://example.com/w (the initial request) failed: connect ECONNREFUSED", cause });
  });
});
