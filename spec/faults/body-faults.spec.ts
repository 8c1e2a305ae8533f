// Fault injection over real HTTP on 127.0.0.1, part 2: status-monitor bodies that cannot be
// followed (malformed JSON, empty, not an object, no status, a status that is not a string) and
// bodies that can, but lie (unknown status words, percentComplete out of range). A 200 the client
// cannot read is an LroBadResponseError at once (never retried) whose token, once the service
// answers properly again, resumes the operation to its true end.
import { describe, expect, it } from "vitest";
import { beginLro, LroBadResponseError, LroTimeoutError } from "../../lib/index.js";
import type { ArmResponse, RequestRecord } from "../../server/index.js";
import { createdWidget, run, serverRetryAfterInMs, useFaultHarness } from "./support/harness.js";

const h = useFaultHarness();

type StatusBody = Record<string, unknown>;

/**
 * Rewrites the answers to status polls: `rewrite(body, n)` (n from 0) returns the replacement,
 * or `undefined` to let the poll through untouched.
 */
function rewritePolls(rewrite: (body: StatusBody, n: number, response: ArmResponse) => ArmResponse | undefined) {
  let n = 0;
  h.server.setHooks({
    beforeRespond(context, response) {
      if (context.kind !== "statusPoll") return undefined;
      return rewrite(response.body as StatusBody, n++, response);
    },
  });
}

/** A 200 whose body is `raw`, as is (`content-type` given, or none at all). */
const rawAnswer = (raw: string, contentType?: string): ArmResponse => ({
  status: 200,
  headers: contentType === undefined ? {} : { "content-type": contentType },
  raw,
});

const polls = (id: string): RequestRecord[] => h.server.requests({ operationId: id, kind: "statusPoll" });

/** Runs a PUT whose every status poll is answered by `answer`, and checks the LroBadResponseError it must end with. */
async function expectBadResponse(answer: (body: StatusBody) => ArmResponse, message: string) {
  rewritePolls((body) => answer(body));
  const request = h.put();

  const outcome = await run(beginLro(request, h.options()));

  const error = outcome.error as LroBadResponseError;
  expect(error).toBeInstanceOf(LroBadResponseError);
  expect(error.message).toBe(message);
  expect(error.response?.status).toBe(200);
  const id = outcome.operationId!;
  // The state the error carries is the last one read: the initial response's.
  expect(outcome.states.map((state) => state.pollCount)).toEqual([0]);
  expect(error.state).toBe(outcome.states[0]);
  // A 200 is an answer, not a transient failure: exactly one poll, no retry.
  expect(polls(id)).toHaveLength(1);

  const resumed = await h.resumeToEnd(error.continuationToken, id);
  expect(resumed.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
  return error;
}

describe("bodies that cannot be followed → LroBadResponseError at once, resumable", () => {
  it("malformed JSON (truncated, content-type application/json)", async () => {
    const error = await expectBadResponse(
      (body) => rawAnswer(JSON.stringify(body).slice(0, 25), "application/json; charset=utf-8"),
      "The response to GET has a body that is not valid JSON.",
    );
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("malformed JSON without a JSON content-type (a body that starts like JSON is read as JSON)", async () => {
    const error = await expectBadResponse(() => rawAnswer("{status: InProgress}"), "The response to GET has a body that is not valid JSON.");
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("an empty 200 body where the status resource is needed", async () => {
    await expectBadResponse(
      () => ({ status: 200, headers: { "content-type": "application/json" }, raw: "" }),
      "Expected the operation status to be a JSON object, but got an empty body (HTTP 200).",
    );
  });

  it.each([
    ["an array", "[]"],
    ["a JSON string", '"InProgress"'],
    ["JSON null", "null"],
    ["a number", "42"],
  ])("a body that is %s, not an object", async (_what, raw) => {
    await expectBadResponse(
      () => rawAnswer(raw, "application/json"),
      "Expected the operation status to be a JSON object, but got a body that is not a JSON object (HTTP 200).",
    );
  });

  it.each([
    ["no status at all", (body: StatusBody) => ({ id: body.id, name: body.name, percentComplete: 40 })],
    ["status: null", (body: StatusBody) => ({ ...body, status: null })],
    ['status: ""', (body: StatusBody) => ({ ...body, status: "" })],
    ["status: blanks", (body: StatusBody) => ({ ...body, status: "   " })],
  ])("a status resource with %s", async (_what, strip) => {
    await expectBadResponse((body) => ({ status: 200, body: strip(body) }), "The operation status (HTTP 200) has no `status`.");
  });

  it.each([
    ["a number", 42, "42"],
    ["a boolean", true, "true"],
    ["an object", { word: "Succeeded" }, '{"word":"Succeeded"}'],
    ["an array", ["Succeeded"], '["Succeeded"]'],
  ])("a status that is %s", async (_what, status, shown) => {
    await expectBadResponse(
      (body) => ({ status: 200, body: { ...body, status } }),
      `The operation status (HTTP 200) has a \`status\` that is not a string: ${shown}.`,
    );
  });
});

describe("bodies that can be followed, but say odd things", () => {
  it("an empty 202 from the status monitor means running: polling goes on to success", async () => {
    rewritePolls((_body, n) => (n < 2 ? { status: 202, headers: { "retry-after-ms": String(serverRetryAfterInMs) } } : undefined));
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    expect(outcome.error).toBeUndefined();
    h.expectTrueEnd(outcome, outcome.operationId!);
    expect(outcome.states.slice(1, 3).map((state) => [state.status, state.providerStatus, state.httpStatus])).toEqual([
      ["running", "Accepted", 202],
      ["running", "Accepted", 202],
    ]);
    expect(outcome.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
  });

  it("unknown status words (and look-alikes of Succeeded) mean running, never done", async () => {
    const words = ["Frobnicating", "NotSucceeded", "Succeeded-ish", "Succeed"];
    rewritePolls((body, n, response) => (n < words.length ? { ...response, body: { ...body, status: words[n] } } : undefined));
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    expect(outcome.error).toBeUndefined();
    const id = outcome.operationId!;
    h.expectTrueEnd(outcome, id);
    expect(outcome.states.slice(1, 1 + words.length).map((state) => [state.status, state.providerStatus])).toEqual(
      words.map((word) => ["running", word]),
    );
    expect(outcome.states.at(-1)).toMatchObject({ status: "succeeded", providerStatus: "Succeeded", result: createdWidget(request.name) });
    expect(polls(id).length).toBeGreaterThan(words.length);
  });

  it("an unknown status word for ever → polled at the service's pace until timeoutInMs: LroTimeoutError, resumable", async () => {
    const timeoutInMs = 250;
    rewritePolls((body, _n, response) => ({ ...response, body: { ...body, status: "Frobnicating" } }));
    const request = h.put();
    const started = Date.now();

    const outcome = await run(beginLro(request, h.options({ timeoutInMs })));

    const error = outcome.error as LroTimeoutError;
    expect(error).toBeInstanceOf(LroTimeoutError);
    expect(error.timeoutInMs).toBe(timeoutInMs);
    expect(error.message).toBe(`The long-running operation did not finish within ${timeoutInMs} ms; it may still be running on the service.`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutInMs - 1);
    expect(error.state).toBe(outcome.states.at(-1));
    expect(error.state).toMatchObject({ status: "running", providerStatus: "Frobnicating" });
    const id = outcome.operationId!;
    // At the 10 ms the service asks for, 250 ms is at most 25 polls: no tight loop.
    expect(polls(id).length).toBeLessThanOrEqual(Math.ceil(timeoutInMs / serverRetryAfterInMs) + 1);
    expect(h.server.operation(id)?.terminal).toBe(true);

    const resumed = await h.resumeToEnd(error.continuationToken, id);
    expect(resumed.states).toHaveLength(1);
    expect(resumed.states[0]).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
  });

  it("percentComplete out of range or not a finite number → clamped to 0–100, or left out", async () => {
    // 1e400 is valid JSON that parses to Infinity.
    const replacements: readonly unknown[] = [150, -20, "50", "1e400", 1e-3, 100];
    rewritePolls((body, n) =>
      n < replacements.length
        ? {
            status: 200,
            headers: { "content-type": "application/json", "retry-after-ms": String(serverRetryAfterInMs) },
            raw: JSON.stringify({ ...body, status: "InProgress", percentComplete: "@" }).replace('"@"', n === 3 ? "1e400" : JSON.stringify(replacements[n])),
          }
        : undefined,
    );
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    expect(outcome.error).toBeUndefined();
    h.expectTrueEnd(outcome, outcome.operationId!);
    expect(outcome.states.slice(1, 1 + replacements.length).map((state) => [state.status, state.percentComplete])).toEqual([
      ["running", 100],
      ["running", 0],
      ["running", undefined],
      ["running", undefined],
      ["running", 0.001],
      // 100 % and still running: only the status word ends an operation.
      ["running", 100],
    ]);
    expect(outcome.states.every((state) => state.percentComplete === undefined || (state.percentComplete >= 0 && state.percentComplete <= 100))).toBe(true);
    expect(outcome.states.at(-1)).toMatchObject({ status: "succeeded", percentComplete: 100, result: createdWidget(request.name) });
  });
});
