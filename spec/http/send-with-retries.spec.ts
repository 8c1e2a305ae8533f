import { describe, expect, it } from "vitest";
import { beginLro, LroBadStatusError, LroRequestError, resumeLro } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const url = "https://example.com/widgets/w?api-version=1";
const monitor = "https://example.com/operations/1";

describe("transient poll failures", () => {
  it("retries 503 on its Retry-After and 500 on a backoff that doubles along the streak, keeping the operation", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor, "retry-after": "1" } })
      .on("GET", monitor,
        { status: 503, headers: { "retry-after": "7" } },
        { status: 500 },
        { status: 500 },
        { status: 200, body: { status: "Succeeded" } });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, retry: { retryDelayInMs: 100 } }), scheduler);

    expect(service.log).toEqual([
      `POST ${url} @0`,
      `GET ${monitor} @1000`,
      `GET ${monitor} @8000`,
      `GET ${monitor} @8200`,
      `GET ${monitor} @8600`,
    ]);
    expect(run.values.map((state) => state.status)).toEqual(["running", "succeeded"]);
    expect(run.values[1]!.pollCount).toBe(1);
  });

  it.each([408, 429, 502, 504])("errors with LroBadStatusError %i and a token once retries run out", async (status) => {
    const { scheduler, service } = virtualService();
    service.on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor } }).on("GET", monitor, { status });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 0, retry: { maxRetries: 2, retryDelayInMs: 10 } }), scheduler);

    expect(service.requests).toHaveLength(1 + 3);
    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect(run.error).toMatchObject({ httpStatus: status, continuationToken: run.values[0]!.continuationToken });
  });

  it("retries a dropped connection, then errors with LroRequestError carrying the cause and a token that resumes", async () => {
    const { scheduler, service } = virtualService();
    service.on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor } }).on("GET", monitor, { status: 0, networkError: "socket hang up" });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 0, retry: { maxRetries: 1, retryDelayInMs: 10 } }), scheduler);

    expect(service.requests).toHaveLength(3);
    expect(run.error).toBeInstanceOf(LroRequestError);
    expect((run.error as LroRequestError).message).toMatch(/while polling https:\/\/example\.com\/operations\/1 failed: socket hang up/);
    expect((run.error as LroRequestError).cause).toMatchObject({ message: "socket hang up" });

    service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } });
    const resumed = await runToEnd(resumeLro((run.error as LroRequestError).continuationToken!, { ...service.options, allowedHosts: ["example.com"] }), scheduler);
    expect(resumed.values.at(-1)!.status).toBe("succeeded");
  });

  it("aborts a poll that does not answer within requestTimeoutInMs and retries it", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("POST", url, { status: 202, headers: { "azure-asyncoperation": monitor } })
      .on("GET", monitor, { status: 200, hang: true }, { status: 200, body: { status: "Succeeded" } });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, intervalInMs: 0, requestTimeoutInMs: 5000, retry: { retryDelayInMs: 10 } }), scheduler);

    expect(service.log).toEqual([`POST ${url} @0`, `GET ${monitor} @0`, `GET ${monitor} @5010`]);
    expect(service.requests[1]!.aborted()).toBe(true);
    expect(run.values.at(-1)!.status).toBe("succeeded");
  });

  it("retries a final GET that fails transiently, then takes its result", async () => {
    const { scheduler, service } = virtualService();
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor } }, { status: 200, body: { id: "w" } })
      .on("GET", monitor, { status: 200, body: { status: "Succeeded" } })
      .on("GET", url, { status: 503 }, { status: 200, body: { id: "w" } });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, intervalInMs: 0, retry: { retryDelayInMs: 10 } }), scheduler);

    expect(service.log.slice(2)).toEqual([`GET ${url} @0`, `GET ${url} @10`]);
    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "w" }, resultUrl: url });
  });

  it("does not retry the initial request: it is not idempotent", async () => {
    const { scheduler, service } = virtualService();
    service.on("PUT", url, { status: 503 });

    const run = await runToEnd(beginLro({ url, method: "PUT" }, service.options), scheduler);

    expect(service.requests).toHaveLength(1);
    expect(run.error).toBeInstanceOf(LroBadStatusError);
    expect((run.error as LroBadStatusError).state).toBeUndefined();
  });
});
