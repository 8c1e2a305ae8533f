import { describe, expect, it } from "vitest";
import type { ExpandAnswer } from "../../lib/engine/expand-from.js";
import { makeState } from "../../lib/engine/make-state.js";
import { PollLoop } from "../../lib/engine/poll-loop.js";
import { LroBadStatusError, type LroState } from "../../lib/index.js";
import { resolveOptions } from "../../lib/options.js";
import { azureAsyncOperationStrategy } from "../../lib/strategies/azure-async-operation.js";
import type { TrackedOperation } from "../../lib/tracked-operation.js";
import { virtualService } from "../support/fake-service.js";
import { advance } from "../support/virtual-time.js";

const url = "https://example.com/widgets/w?api-version=1";
const monitor = "https://example.com/operations/1";

/** A loop for a PUT followed with Azure-AsyncOperation, its first state, and what it answers. */
function setup(operationOverrides: Partial<TrackedOperation> = {}) {
  const { scheduler, service } = virtualService();
  const options = resolveOptions({ ...service.options, intervalInMs: 1000 });
  const operation: TrackedOperation = { strategy: "azureAsyncOperation", method: "PUT", requestUrl: url, pollingUrl: monitor, allowInsecureConnection: false, ...operationOverrides };
  const loop = new PollLoop(azureAsyncOperationStrategy, options, operation);
  const first = makeState(operation, { status: "running", providerStatus: "Accepted", body: undefined }, { pollCount: 0 }, options, loop);
  const answers: (LroState | Error)[] = [];
  const answer: ExpandAnswer<LroState> = { next: (state) => answers.push(state), error: (error) => answers.push(error as Error) };
  return { scheduler, service, loop, first, answers, answer };
}

describe("PollLoop", () => {
  it("waits the state's delay on the scheduler, then polls once and answers the state read from the response", async () => {
    const { scheduler, service, loop, first, answers, answer } = setup();
    service.on("GET", monitor, { status: 200, headers: { "retry-after": "5" }, body: { status: "InProgress", percentComplete: 40 } });

    expect(loop.step(first, answer)).toBe(true);
    await advance(scheduler, () => answers.length > 0);

    expect(service.log).toEqual([`GET ${monitor} @1000`]);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ status: "running", providerStatus: "InProgress", percentComplete: 40, pollCount: 1, nextPollInMs: 5000, httpStatus: 200 });
  });

  it("ends after a terminal state: step returns false and sends nothing", async () => {
    const { scheduler, service, loop, first, answer } = setup();
    const done = { ...first, status: "failed", result: undefined } as LroState;
    expect(loop.step(done, answer)).toBe(false);
    await advance(scheduler);
    expect(service.log).toEqual([]);
  });

  it("on success switches to the final GET, and answers its result as the terminal state", async () => {
    const { scheduler, service, loop, first, answers, answer } = setup();
    service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } }).on("GET", url, { status: 200, body: { id: "w", properties: { provisioningState: "Succeeded" } } });

    loop.step(first, answer);
    await advance(scheduler, () => answers.length > 0);

    expect(service.log).toEqual([`GET ${monitor} @1000`, `GET ${url} @1000`]);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ status: "succeeded", pollCount: 1, resultUrl: url, result: { id: "w" } });
  });

  it("every GET carries accept and the initial request's client request id, each request with headers of its own", async () => {
    const { scheduler, service, loop, first, answers, answer } = setup({ clientRequestId: "id-1" });
    service.on("GET", monitor, { status: 200, body: { status: "Running" } }, { status: 200, body: { status: "Succeeded" } }).on("GET", url, { status: 200, body: {} });

    loop.step(first, answer);
    await advance(scheduler, () => answers.length > 0);
    loop.step(answers[0] as LroState, answer);
    await advance(scheduler, () => answers.length > 1);

    const sent = service.requests.map((request) => request.headers);
    expect(sent).toHaveLength(3);
    for (const headers of sent) expect([headers.get("accept"), headers.get("x-ms-client-request-id")]).toEqual(["application/json", "id-1"]);
    expect(new Set(sent).size).toBe(3);
  });

  it("cancel stops the wait (nothing is sent), and aborts a request in flight, whose answer never comes", async () => {
    const waiting = setup();
    waiting.loop.step(waiting.first, waiting.answer);
    waiting.loop.cancel();
    await advance(waiting.scheduler);
    expect(waiting.service.log).toEqual([]);

    const sending = setup();
    sending.service.on("GET", monitor, { status: 200, body: { status: "Running" }, delayInMs: 500 });
    sending.loop.step(sending.first, sending.answer);
    await advance(sending.scheduler, () => sending.service.requests.length > 0);
    sending.loop.cancel();
    await advance(sending.scheduler);
    expect(sending.service.requests[0]!.aborted()).toBe(true);
    expect(sending.answers).toEqual([]);
  });

  it("fails with an error that carries the last state it was given and says what was being done", async () => {
    const polling = setup();
    polling.service.on("GET", monitor, { status: 400, body: { error: { code: "Bad", message: "no" } } });
    polling.loop.step(polling.first, polling.answer);
    await advance(polling.scheduler, () => polling.answers.length > 0);
    const pollError = polling.answers[0] as LroBadStatusError;
    expect(pollError).toBeInstanceOf(LroBadStatusError);
    expect(pollError.state).toBe(polling.first);
    expect(pollError.message).toContain("while polling https://example.com/operations/1");

    const fetching = setup();
    fetching.service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } }).on("GET", url, { status: 500 });
    fetching.loop.step(fetching.first, fetching.answer);
    await advance(fetching.scheduler, () => fetching.answers.length > 0);
    const fetchError = fetching.answers[0] as LroBadStatusError;
    expect(fetchError.state).toBe(fetching.first);
    expect(fetchError.message).toContain("while fetching the result from https://example.com/widgets/w");
  });
});
