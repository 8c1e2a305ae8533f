/** Invariant 7: unsubscribing (or aborting) at any moment stops everything. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LroAbortedError } from "../../lib/index.js";
import { scenarioArb } from "./support/arbitraries.js";
import { numRuns, timeoutFor } from "./support/config.js";
import { describeRun, type Unsubscribe } from "./support/harness.js";
import { checkRun } from "./support/invariants.js";
import { pollingNames, runScenario } from "./support/scenario.js";

const runs = numRuns(400);

const momentArb = fc.oneof(fc.integer({ min: 0, max: 8000 }), fc.constantFrom(0, 1, 10, 500, 1000, 1999, 2000, 3000));

/** At a virtual time (between due times), inside the n-th `next`, or the moment the n-th request reaches the client. */
const unsubscribeArb: fc.Arbitrary<Unsubscribe> = fc.oneof(
  momentArb.map((at) => ({ kind: "atTime" as const, at })),
  fc.integer({ min: 1, max: 3 }).map((n) => ({ kind: "onState" as const, n })),
  fc.integer({ min: 1, max: 4 }).map((n) => ({ kind: "onRequest" as const, n })),
);

describe("properties: unsubscribing", () => {
  it("at any moment sends nothing more, emits nothing more, and leaves no timer and no request in flight", async () => {
    let unsubscribed = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.constantFrom(...pollingNames), unsubscribeArb, async (scenario, polling, unsubscribe) => {
        const { record, routes } = await runScenario(scenario, polling, { unsubscribe });
        if (record.end === "unsubscribed") unsubscribed++;
        // Up to the unsubscribe, every invariant of a normal run holds; after it, nothing happens
        // (2: no event, no request; 5: no timer, nothing in flight).
        const violations = checkRun(record, { timing: scenario.timing, routes, firstRequest: "initial" }, { allowUnsubscribed: true });
        if (violations.length > 0) throw new Error([`${polling}, unsubscribing ${JSON.stringify(unsubscribe)}:`, ...violations, describeRun(record)].join("\n"));
      }),
      { numRuns: runs },
    );
    if (runs >= 100) expect(unsubscribed).toBeGreaterThan(runs / 4); // the generator still reaches the case
  }, timeoutFor(runs, 3));

  it("an abortSignal fired at any moment ends the stream at once with LroAbortedError, carrying the last state, and leaves nothing behind", async () => {
    let aborted = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, fc.constantFrom(...pollingNames), momentArb, async (scenario, polling, at) => {
        const unsubscribe = { kind: "abortAt" as const, at, controller: new AbortController() };
        const { record, routes } = await runScenario(scenario, polling, { unsubscribe });
        const violations = checkRun(record, { timing: scenario.timing, routes, firstRequest: "initial" });
        if (record.abortedAt !== undefined) {
          aborted++;
          const error = record.events.find((event) => event.kind === "error");
          if (!(error?.kind === "error" && error.error instanceof LroAbortedError) || record.endAt !== record.abortedAt) {
            violations.push(`abort @${record.abortedAt}: ended ${record.end} @${record.endAt}, not with LroAbortedError at once`);
          } else if ((error.error.cause as Error | undefined)?.message !== "user gave up") violations.push("abort: the signal's reason is not the error's cause");
        }
        if (violations.length > 0) throw new Error([`${polling}, abort @${at}:`, ...violations, describeRun(record)].join("\n"));
      }),
      { numRuns: runs },
    );
    if (runs >= 100) expect(aborted).toBeGreaterThan(runs / 6); // the generator still reaches the case
  }, timeoutFor(runs, 3));
});
