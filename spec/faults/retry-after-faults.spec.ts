// Fault injection over real HTTP on 127.0.0.1, part 3: Retry-After values a service should not
// send (negative, years long, not a number, HTTP-dates in the past or far future, repeated
// header lines, 0 on every response) on the initial response and every poll. rx-lro must read
// what is valid, ignore the rest (falling back to its interval), clamp every delay to
// maxDelayInMs, and space out repeated "poll now"s: no timer overflows (the harness fails a test
// on a TimeoutOverflowWarning or a scheduled delay past 2³¹−1 ms) and none fires in a tight loop
// (checked on the server's own arrival times).
import { describe, expect, it } from "vitest";
import { beginLro, type LroState } from "../../lib/index.js";
import type { ArmResponse, RequestRecord } from "../../server/index.js";
import { createdWidget, intervalInMs, run, type Run, useFaultHarness } from "./support/harness.js";

const h = useFaultHarness();

/** The clamp these tests set (`maxDelayInMs`), so that a clamped delay is short but visible. */
const maxDelayInMs = 30;

/**
 * Replaces the retry headers of the initial response and of every status poll that says the
 * operation is still running: no `retry-after-ms` from the server any more, only what the test
 * gives. (The terminal answer, which has none, goes through untouched.)
 */
function retryHeaders(headers: Record<string, string>, repeatedHeaders?: Record<string, readonly string[]>) {
  h.server.setHooks({
    beforeRespond(context, response): ArmResponse | undefined {
      if (context.kind !== "initial" && context.kind !== "statusPoll") return undefined;
      if (context.kind === "statusPoll" && response.headers?.["retry-after-ms"] === undefined) return undefined;
      const { "retry-after": _seconds, "retry-after-ms": _ms, ...kept } = response.headers ?? {};
      return { ...response, headers: { ...kept, ...headers }, ...(repeatedHeaders === undefined ? {} : { repeatedHeaders }) };
    },
  });
}

/** The initial request and the polls, in arrival order: one per state the stream emitted. */
const pollTrail = (id: string): RequestRecord[] =>
  h.server.requests(id).filter((record) => record.kind === "initial" || record.kind === "statusPoll");

/**
 * Every poll came no sooner than the state before it said (`nextPollInMs`, 1 ms of clock
 * granularity allowed), as the server saw it: each delay was really waited for.
 */
function expectPacedAsStated(outcome: Run, id: string) {
  const trail = pollTrail(id);
  expect(trail).toHaveLength(outcome.states.length);
  outcome.states.slice(0, -1).forEach((state, index) => {
    const gap = trail[index + 1]!.at - trail[index]!.at;
    expect(gap, `poll ${index + 1} came ${gap} ms after the response that asked for ${state.nextPollInMs} ms`).toBeGreaterThanOrEqual(
      state.nextPollInMs! - 1,
    );
  });
}

/** The running states' delays: what the service asked (after parsing and clamping), and what the client waited. */
const delaysOf = (states: readonly LroState[]) =>
  states.filter((state) => state.status === "running").map((state) => [state.retryAfterInMs, state.nextPollInMs]);

/** The spacing of the n-th "poll now" in a row (n from 1): at once, then 10 ms, doubling, up to the interval. */
const immediateSpacing = (n: number, interval: number) => (n === 1 ? 0 : Math.min(interval, 10 * 2 ** (n - 2)));

async function succeeds(options = h.options(), query: Record<string, number> = {}) {
  const request = h.put(query);
  const outcome = await run(beginLro(request, options));
  const id = h.expectCreated(outcome, request);
  return { outcome, id };
}

describe("Retry-After values that mean nothing → ignored: the interval applies", () => {
  it.each([
    ["Retry-After: -5", { "retry-after": "-5" }],
    ["retry-after-ms: -5", { "retry-after-ms": "-5" }],
    ["Retry-After: soon", { "retry-after": "soon" }],
    ["Retry-After: 1e3 (an exponent)", { "retry-after": "1e3" }],
    ["Retry-After: 0x10", { "retry-after": "0x10" }],
    ["Retry-After: 1,5 (a decimal comma)", { "retry-after": "1,5" }],
    ["Retry-After: Infinity", { "retry-after": "Infinity" }],
    ["retry-after-ms: NaN", { "retry-after-ms": "NaN" }],
    ["Retry-After: 5 s (a unit)", { "retry-after": "5 s" }],
    ["Retry-After: (empty)", { "retry-after": "" }],
    ["Retry-After: an HTTP-date that cannot exist", { "retry-after": "Mon, 32 Foo 2025 99:99:99 GMT" }],
  ])("%s", async (_what, headers) => {
    retryHeaders(headers);

    const { outcome, id } = await succeeds();

    expect(delaysOf(outcome.states).every(([asked, next]) => asked === undefined && next === intervalInMs)).toBe(true);
    expectPacedAsStated(outcome, id);
  });
});

describe("Retry-After values too long to wait → clamped to maxDelayInMs, never overflowing a timer", () => {
  it.each([
    ["Retry-After: ten years in seconds", { "retry-after": String(10 * 365 * 24 * 3600) }],
    ["Retry-After: 400 digits (Infinity once parsed)", { "retry-after": "9".repeat(400) }],
    ["Retry-After: 2³¹ s", { "retry-after": String(2 ** 31) }],
    ["retry-after-ms: ten years", { "retry-after-ms": String(10 * 365 * 24 * 3600 * 1000) }],
    ["x-ms-retry-after-ms: 20 digits", { "x-ms-retry-after-ms": "99999999999999999999" }],
    ["Retry-After: an HTTP-date in year 9999", { "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" }],
  ])("%s", async (_what, headers) => {
    retryHeaders(headers);

    const { outcome, id } = await succeeds(h.options({ maxDelayInMs }));

    expect(delaysOf(outcome.states).every(([asked, next]) => asked === maxDelayInMs && next === maxDelayInMs)).toBe(true);
    // Besides the polls' delays, the scheduler holds each poll's deadline (requestTimeoutInMs).
    expect(Math.max(...h.scheduler.delays.filter((delay) => delay !== h.options().requestTimeoutInMs))).toBe(maxDelayInMs);
    expectPacedAsStated(outcome, id);
  });

  it("with the default maxDelayInMs, a year-long Retry-After is a 10-minute timer that really waits; unsubscribing cancels it, the token resumes", async () => {
    retryHeaders({ "retry-after": String(365 * 24 * 3600) });
    const request = h.put();
    const states: LroState[] = [];
    const states$ = beginLro(request, h.options({ maxDelayInMs: undefined }));
    const subscription = states$.subscribe((state) => states.push(state));
    try {
      // The initial response's Retry-After is clamped too: the first poll waits ten minutes.
      await expect.poll(() => states.length).toBe(1);
      expect(states[0]).toMatchObject({ status: "running", retryAfterInMs: 600_000, nextPollInMs: 600_000 });
      expect(h.scheduler.delays).toEqual([600_000]);
      expect(h.scheduler.pending).toBe(1);
      const id = states[0]!.rawResponse!.headers.get("x-demo-operation-id")!;
      await new Promise((resolve) => setTimeout(resolve, 100));
      // An overflowed timer would have fired after 1 ms: nothing was polled.
      expect(h.server.pollsAfter(id, 0)).toBe(0);
      expect(h.client.sent).toHaveLength(1);
      subscription.unsubscribe();
      expect(h.scheduler.pending).toBe(0);

      const resumed = await h.resumeToEnd(states[0]!.continuationToken, id);
      expect(resumed.states).toHaveLength(1);
      expect(resumed.states[0]).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe("Retry-After: poll now, again and again → honoured once, then spaced out (10 ms, doubling, up to the interval)", () => {
  it.each([
    ["Retry-After: 0", { "retry-after": "0" }],
    ["retry-after-ms: 0", { "retry-after-ms": "0" }],
    ["an IMF-fixdate in the past", { "retry-after": "Thu, 01 Jan 1970 00:00:00 GMT" }],
    ["an RFC 850 date in the past", { "retry-after": "Thursday, 01-Jan-70 00:00:00 GMT" }],
    ["an asctime date in the past", { "retry-after": "Thu Jan  1 00:00:00 1970" }],
  ])("%s on every response", async (_what, headers) => {
    const interval = 100;
    retryHeaders(headers);

    const { outcome, id } = await succeeds(h.options({ intervalInMs: interval }), { duration: 120 });

    const running = delaysOf(outcome.states);
    expect(running).toEqual(running.map((_, index) => [0, immediateSpacing(index + 1, interval)]));
    // 120 ms of operation: polls at about 0, 10, 30, 70 and 150 ms, not hundreds.
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(running.length).toBeLessThanOrEqual(6);
    expectPacedAsStated(outcome, id);
  });
});

describe("repeated Retry-After header lines", () => {
  it("two retry-after-ms lines that disagree reach rx-lro joined (\"5, 500\"): ignored, the interval applies", async () => {
    retryHeaders({}, { "retry-after-ms": ["5", "500"] });

    const { outcome, id } = await succeeds();

    expect(outcome.states[0]?.rawResponse?.headers.get("retry-after-ms")).toBe("5, 500");
    expect(delaysOf(outcome.states).every(([asked, next]) => asked === undefined && next === intervalInMs)).toBe(true);
    expectPacedAsStated(outcome, id);
  });

  it.each([
    ["0 then a day: Node keeps the first line, so 'now', then spaced", ["0", "86400"], "0"],
    ["a day then 0: Node keeps the first line, so a day, clamped", ["86400", "0"], "86400"],
  ])("two Retry-After lines, %s", async (_what, lines, seen) => {
    retryHeaders({}, { "retry-after": lines });

    const { outcome, id } = await succeeds(h.options({ maxDelayInMs }));

    // Node's HTTP parser drops the duplicates of Retry-After: the client only ever sees one value.
    expect(outcome.states.map((state) => state.rawResponse?.headers.get("retry-after"))).toEqual(
      outcome.states.map((state) => (state.status === "running" ? seen : undefined)),
    );
    const running = delaysOf(outcome.states);
    expect(running).toEqual(
      running.map((_, index) => (seen === "0" ? [0, immediateSpacing(index + 1, intervalInMs)] : [maxDelayInMs, maxDelayInMs])),
    );
    expectPacedAsStated(outcome, id);
  });
});

describe("throttled polls (429/503) asking for years", () => {
  // BUG: the README promises that "every delay is clamped, so no timer overflows or spins", but a
  // poll answered 429 (or 503) with a Retry-After of years is first retried by the pipeline rx-lro
  // sends through (core-rest-pipeline's default retry policy, also in the pipeline rx-lro builds
  // when given none): its throttling strategy calls setTimeout(315360000000), Node warns
  // "TimeoutOverflowWarning … Timeout duration was set to 1" and the pipeline retries three times,
  // 1 ms apart. rx-lro's own clamp (maxDelayInMs) never sees those delays.
  it.each([429, 503])(
    "%i with Retry-After: ten years on two attempts → no timer overflows; the retries wait maxDelayInMs; then success",
    async (status) => {
      let throttled = 0;
      h.server.setHooks({
        beforeHandle(context) {
          if (context.kind !== "statusPoll" || throttled >= 2) return undefined;
          throttled += 1;
          return { status, headers: { "retry-after": String(10 * 365 * 24 * 3600) }, body: { error: { code: "Throttled", message: "Come back in ten years." } } };
        },
      });
      try {
        const { outcome, id } = await succeeds(h.options({ maxDelayInMs }));
        expect(outcome.states.at(-1)?.status).toBe("succeeded");
        const polls = h.server.requests({ operationId: id, kind: "statusPoll" });
        expect(polls.slice(0, 2).map((record) => record.status)).toEqual([status, status]);
        expect(h.warnings.map((warning) => warning.name)).not.toContain("TimeoutOverflowWarning");
        expect(polls[1]!.at - polls[0]!.at).toBeGreaterThanOrEqual(maxDelayInMs - 1);
        expect(polls[2]!.at - polls[1]!.at).toBeGreaterThanOrEqual(maxDelayInMs - 1);
      } finally {
        // Asserted above; keep the harness's own check for the tests that do not expect this bug.
        h.warnings.length = 0;
      }
    },
  );
});
