import { createDefaultHttpClient, createEmptyPipeline } from "@azure/core-rest-pipeline";
import { inspect } from "node:util";
import { firstValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import { beginLro, LroBadStatusError, LroRequestError, LroUrlRejectedError } from "../../lib/index.js";
import { redactQueries, withoutQuery } from "../../lib/errors/redact.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const secret = "sig=SECRET";
const url = "https://management.azure.com/subscriptions/s/w?api-version=1";
const monitor = `https://management.azure.com/operations/1?api-version=1&${secret}`;

/** Everything an error shows a log: its message, its cause's, its JSON fields, and what console.error prints. */
const everythingShown = (error: unknown) =>
  [String(error), (error as Error).stack, inspect(error, { depth: 5 }), JSON.stringify(error), String((error as Error).cause)].join("\n");

describe("errors never show a query string", () => {
  it("redacts URLs' queries and fragments in text, leaving the rest", () => {
    expect(redactQueries(`GET https://a.example/op?${secret} failed, "http://b.example/x#frag" and /docs?x=1`)).toBe(
      'GET https://a.example/op?… failed, "http://b.example/x#…" and /docs?x=1',
    );
    expect(redactQueries("already https://a.example/op?…. done")).toBe("already https://a.example/op?…. done");
    expect(withoutQuery(`/relative?${secret}`)).toBe("/relative?…");
  });

  it("in an LroRequestError, whose transport error repeated the URL: message, cause and stack", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 0, networkError: `connect ECONNRESET while sending to ${monitor}` });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, intervalInMs: 0, retry: { maxRetries: 0 } }), scheduler);

    const error = run.error as LroRequestError;
    expect(error).toBeInstanceOf(LroRequestError);
    expect(error.message).toBe(
      "The request while polling https://management.azure.com/operations/1?… failed: connect ECONNRESET while sending to https://management.azure.com/operations/1?…",
    );
    expect((error.cause as Error).message).toBe("connect ECONNRESET while sending to https://management.azure.com/operations/1?…");
    expect(everythingShown(error)).not.toContain("SECRET");
    // What resumes is kept: the state and its token (which does hold the URL the polls need).
    expect(error.continuationToken).toBe(run.values[0]!.continuationToken);
  });

  it("in the initial request's error from core-rest-pipeline's own client (http without allowInsecureConnection)", async () => {
    const error = await firstValueFrom(
      beginLro({ url: `http://127.0.0.1:9/w?${secret}`, method: "PUT" }, { pipeline: createEmptyPipeline(), httpClient: createDefaultHttpClient() }),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(LroRequestError);
    expect((error as Error).message).toBe(
      "The request PUT http://127.0.0.1:9/w?… (the initial request) failed: Cannot connect to http://127.0.0.1:9/w?… while allowInsecureConnection is false.",
    );
    expect(everythingShown(error)).not.toContain("SECRET");
  });

  it("in an LroBadStatusError whose service error names a signed URL", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 403, body: { error: { code: "AuthorizationFailed", message: `No access to https://acct.blob.core.windows.net/c/b?${secret}` } } });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, intervalInMs: 0 }), scheduler);

    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect((run.error as Error).message).toBe(
      "Unexpected HTTP status 403 while polling https://management.azure.com/operations/1?…: AuthorizationFailed: No access to https://acct.blob.core.windows.net/c/b?…",
    );
  });

  it("in an LroUrlRejectedError: message and url", async () => {
    const { scheduler, service } = virtualService();
    service.on("PUT", url, { status: 201, headers: { "azure-asyncoperation": `https://evil.example/op?${secret}` } });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, service.options), scheduler);

    const error = run.error as LroUrlRejectedError;
    expect(error.message).toBe('Refused to follow "https://evil.example/op?…": host evil.example is neither the initial request\'s (management.azure.com) nor listed in allowedHosts');
    expect(error.url).toBe("https://evil.example/op?…");
    expect(everythingShown(error).replace(error.continuationToken!, "")).not.toContain("SECRET");
  });
});
