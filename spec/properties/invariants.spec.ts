/**
 * Invariants 1–5 (and 8) on random scripted operations, for every strategy operator and both
 * presets: each scenario runs through all seven, each in a fresh world.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioArb } from "./support/arbitraries.js";
import { numRuns, timeoutFor } from "./support/config.js";
import { describeRun, type RunRecord } from "./support/harness.js";
import { checkRun, exchangeOf, repliesOf } from "./support/invariants.js";
import { pollingNames, runScenario } from "./support/scenario.js";

const runs = numRuns(300);

/** What a run exercised, so that a generator gone dull shows up as a failure, not as a pass. */
function coverageOf(record: RunRecord, routes: Parameters<typeof repliesOf>[1], requestTimeoutInMs: number): string[] {
  const seen: string[] = [];
  const last = record.events.filter((event) => event.kind === "next").at(-1);
  const error = record.events.find((event) => event.kind === "error");
  if (record.end === "complete" && last?.kind === "next") seen.push(`ended ${last.state.status}`);
  if (error?.kind === "error") seen.push(`ended ${(error.error as Error).name}`);
  const requests = record.requests.slice(0, record.requestsAtEnd);
  const replies = repliesOf(requests, routes);
  for (let i = 1; i + 1 < requests.length; i++) {
    const emitted = record.events.some((event) => event.kind === "next" && event.requestsBefore === i + 1);
    seen.push(emitted ? "polled after a state" : exchangeOf(requests[i]!, replies[i]!, requestTimeoutInMs).transient ? "retried" : "final GET");
  }
  return seen;
}

describe("properties: every strategy and preset on random scripts", () => {
  it("ends properly, emits nothing after its end, moves status once to a terminal value, polls exactly on its delays, leaves nothing behind, stays on its host", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const violations: string[] = [];
        for (const polling of pollingNames) {
          const { record, routes } = await runScenario(scenario, polling);
          for (const item of coverageOf(record, routes, scenario.timing.requestTimeoutInMs)) seen.add(item);
          const found = checkRun(record, { timing: scenario.timing, routes, firstRequest: "initial" });
          if (found.length > 0) violations.push(`${polling}:`, ...found, describeRun(record));
        }
        if (violations.length > 0) throw new Error(violations.join("\n"));
      }),
      { numRuns: runs },
    );
    if (runs >= 200) {
      expect([...seen].sort()).toEqual(
        expect.arrayContaining([
          "ended succeeded",
          "ended failed",
          "ended canceled",
          "ended LroBadResponseError",
          "ended LroBadStatusError",
          "ended LroRequestError",
          "ended LroTimeoutError",
          "ended LroUrlRejectedError",
          "polled after a state",
          "retried",
          "final GET",
        ]),
      );
    }
  }, timeoutFor(runs, 20));
});
