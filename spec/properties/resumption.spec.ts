/** Invariant 6: a continuation token resumes to the same outcome (and, in fact, the same run). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LroTimeoutError, resumeLro, type LroState } from "../../lib/index.js";
import { scenarioArb } from "./support/arbitraries.js";
import { numRuns, timeoutFor } from "./support/config.js";
import { createWorld, describeRun, runStream, type RunEvent } from "./support/harness.js";
import { checkResumedLikeOriginal, checkRun } from "./support/invariants.js";
import { commonOptions, pollingNames, remainingRoutes, resumeScenario, runScenario } from "./support/scenario.js";

const runs = numRuns(500);

const isTerminal = (state: LroState) => state.status !== "notStarted" && state.status !== "running";

describe("properties: continuation tokens", () => {
  /*
   * Restricted to non-terminal states whose next poll the original would have sent before its
   * deadline. A terminal state's token (when the operation was polled) names a polling URL that
   * the script has moved past: what a service answers to a poll after the end is not part of
   * the operation, so there is no "remaining script" to replay; and a state whose next poll
   * falls after the deadline resumes to a run that has no time left (timeoutInMs must be > 0).
   * The resumed stream's clock starts when the original sent its next poll, and its deadline is
   * the original's: a timeout, and every HTTP-date Retry-After, depend on the virtual time.
   * A state whose next poll was due "now" (a Retry-After that comes to 0, or an interval of 0) resumes
   * to the same outcome but not to the same timing: the token does not carry the streak of "now"s
   * that spaces repeated immediate polls (10 ms, 20 ms, …), so a stream resumed in the middle of
   * one polls at once where the original waited. For those, only the outcome is compared, and only
   * when neither run timed out (a deadline turns a timing difference into another end).
   */
  it("a state's token, resumed against the rest of the script, reaches the same outcome (and replays the rest of the run)", async () => {
    let checked = 0;
    let exactly = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.constantFrom(...pollingNames), fc.nat(), async (scenario, polling, pick) => {
        const original = await runScenario(scenario, polling);
        const deadline = original.record.subscribedAt + scenario.timing.timeoutInMs;
        const candidates = original.record.events.filter(
          (event): event is Extract<RunEvent, { kind: "next" }> =>
            event.kind === "next" &&
            !isTerminal(event.state) &&
            event.at + (event.state.nextPollInMs ?? 0) < deadline,
        );
        const k = candidates[pick % Math.max(1, candidates.length)];
        if (k === undefined) return;
        checked++;
        const startAt = k.at + k.state.nextPollInMs!;
        const routes = remainingRoutes(original.routes, original.record, k.requestsBefore);
        const resumed = await resumeScenario(scenario, k.state.continuationToken, routes, startAt, deadline - startAt);
        // Due at once (Retry-After 0, or an interval of 0): the token does not carry the streak.
        const exact = (k.state.retryAfterInMs ?? Math.min(scenario.timing.intervalInMs, scenario.timing.maxDelayInMs)) !== 0;
        if (exact) exactly++;
        const timedOut = [original.record, resumed.record].some((record) => record.events.some((event) => event.kind === "error" && event.error instanceof LroTimeoutError));
        const violations = [
          ...checkRun(resumed.record, { timing: { ...scenario.timing, timeoutInMs: deadline - startAt }, routes, firstRequest: "poll", resumedFrom: k.state.continuationToken }),
          ...(exact || !timedOut ? checkResumedLikeOriginal(original.record, k, resumed.record, { exact }) : []),
        ];
        if (violations.length > 0) {
          const index = original.record.events.indexOf(k);
          throw new Error([`${polling}, resumed from event ${index} @${k.at}:`, ...violations, "original:", describeRun(original.record), "resumed:", describeRun(resumed.record)].join("\n"));
        }
      }),
      { numRuns: runs },
    );
    if (runs >= 100) expect(checked).toBeGreaterThan(runs / 4); // the generator still reaches the case
    if (runs >= 100) expect(exactly).toBeGreaterThan(runs / 5); // the generator still reaches the case
  }, timeoutFor(runs, 6));

  /*
   * An operation that finished without polling (an initial 200/201 already terminal, or the
   * status-check algorithm) has a token that says how it ended but holds no body: resuming it
   * sends nothing and emits one state with the same terminal status (no result, no httpStatus).
   * The body-content algorithm keeps its polling URL instead, so its terminal tokens poll again:
   * excluded, like every other terminal state (see above).
   */
  it("the token of an operation that finished without polling resumes, without a request, to the same terminal status", async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.constantFrom(...pollingNames), async (scenario, polling) => {
        const original = await runScenario(scenario, polling);
        const states = original.record.events.flatMap((event) => (event.kind === "next" ? [event.state] : []));
        const only = states[0];
        if (states.length !== 1 || only === undefined || !isTerminal(only) || only.strategy === "bodyContent") return;
        checked++;
        const world = createWorld(new Map());
        const resumed = await runStream(world, () => resumeLro(only.continuationToken, { ...commonOptions(world, scenario), allowedHosts: ["management.example.com"] }));
        const resumedStates = resumed.events.flatMap((event) => (event.kind === "next" ? [event.state] : []));
        const summary = resumedStates.map((state) => ({ status: state.status, httpStatus: state.httpStatus, strategy: state.strategy }));
        expect({ end: resumed.end, requests: resumed.requests.length, summary }, describeRun(original.record)).toEqual({
          end: "complete",
          requests: 0,
          summary: [{ status: only.status, httpStatus: undefined, strategy: only.strategy }],
        });
      }),
      { numRuns: Math.round(runs / 2) },
    );
    // The generator still reaches the case: about 1 run in 10 does (21 to 33 of 250 seen), so a
    // bound near that mean failed one run in three; this one fails only if the case is gone.
    if (runs >= 100) expect(checked).toBeGreaterThan(runs / 100);
  }, timeoutFor(runs, 6));
});
