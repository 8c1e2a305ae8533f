import { createEmptyPipeline, createHttpHeaders, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { makeState, restoredState, type PollingContext } from "../../lib/engine/make-state.js";
import { resolveOptions } from "../../lib/options.js";
import type { Reading } from "../../lib/strategies/reading.js";
import type { TrackedOperation } from "../../lib/tracked-operation.js";
import { virtualScheduler } from "../support/virtual-time.js";

const operation: TrackedOperation = {
  strategy: "azureAsyncOperation",
  method: "PUT",
  requestUrl: "https://example.com/widgets/w?api-version=1",
  pollingUrl: "https://example.com/operations/1",
  allowInsecureConnection: false,
};
const running: Reading = { status: "running", providerStatus: "InProgress", body: undefined };

function response(headers: Record<string, string> = {}): PipelineResponse {
  return { request: { url: operation.pollingUrl } as PipelineResponse["request"], status: 200, headers: createHttpHeaders(headers) };
}

const options = (intervalInMs: number) => resolveOptions({ pipeline: createEmptyPipeline(), scheduler: virtualScheduler(), intervalInMs });
const context = (): PollingContext => ({ immediateStreak: 0, token: "", tokenOf: undefined });

describe("makeState", () => {
  it("a state read from a response: frozen, with the response, its status and the Retry-After asked for", () => {
    const raw = response({ "retry-after": "7" });
    const state = makeState(operation, { ...running, percentComplete: 30 }, { response: raw, pollCount: 2 }, options(1000));
    expect(Object.isFrozen(state)).toBe(true);
    expect(state).toMatchObject({ status: "running", providerStatus: "InProgress", percentComplete: 30, pollCount: 2, httpStatus: 200, retryAfterInMs: 7000, nextPollInMs: 7000 });
    expect(state.rawResponse).toBe(raw);
    expect(state.pollingUrl).toBe(operation.pollingUrl);
  });

  it("polls due at once are honoured once, then spaced 10, 20, 40 ms … up to the interval (never under 10 ms): no spinning", () => {
    const polling = context();
    const spaced = (intervalInMs: number, count: number) =>
      Array.from({ length: count }, () => makeState(operation, running, { response: response({ "retry-after": "0" }), pollCount: 1 }, options(intervalInMs), polling).nextPollInMs);
    expect(spaced(100, 6)).toEqual([0, 10, 20, 40, 80, 100]);
    // A state not due at once ends the streak.
    makeState(operation, running, { response: response({ "retry-after": "1" }), pollCount: 1 }, options(100), polling);
    expect(spaced(0, 4)).toEqual([0, 10, 10, 10]);
  });

  it("encodes the token once per operation object, again when the loop's operation changes", () => {
    const polling = context();
    const first = makeState(operation, running, { pollCount: 1 }, options(1000), polling);
    expect(makeState(operation, running, { pollCount: 2 }, options(1000), polling).continuationToken).toBe(first.continuationToken);
    const moved = { ...operation, pollingUrl: "https://example.com/operations/1?hop=2" };
    const after = makeState(moved, running, { pollCount: 3 }, options(1000), polling);
    expect(after.continuationToken).not.toBe(first.continuationToken);
    expect(polling.tokenOf).toBe(moved);
  });

  it("the result of a succeeded reading goes through processResult; a failed one carries its error", () => {
    const processed = makeState(operation, { status: "succeeded", providerStatus: "Succeeded", body: { id: "w" } }, { pollCount: 1 }, {
      ...options(1000),
      processResult: (body) => ({ processed: body }),
    });
    expect(processed).toMatchObject({ status: "succeeded", result: { processed: { id: "w" } } });
    expect(processed.nextPollInMs).toBeUndefined();
    const error = { code: "Conflict", message: "taken" };
    expect(makeState(operation, { status: "failed", providerStatus: "Failed", body: undefined, error }, { pollCount: 1 }, options(1000))).toMatchObject({ status: "failed", error });
  });
});

describe("restoredState", () => {
  it("is running with its first poll due at once, or, for an operation that finished without polling, how it ended", () => {
    expect(restoredState(operation, options(1000))).toMatchObject({ status: "running", providerStatus: "Running", pollCount: 0, nextPollInMs: 0 });
    const finished = restoredState({ ...operation, pollingUrl: undefined, finishedAs: "canceled" } as TrackedOperation, options(1000));
    expect(finished).toMatchObject({ status: "canceled", providerStatus: "canceled" });
    expect(finished.httpStatus).toBeUndefined();
  });
});
