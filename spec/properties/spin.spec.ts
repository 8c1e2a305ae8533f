/**
 * README: "A service that asks for 'now' response after response gets polls spaced 10 ms, 20 ms,
 * … up to intervalInMs, never a tight loop." The random scripts keep their endlessly repeated
 * replies away from this case when the interval is short (see `tailRetryHeaders`); here it is on
 * its own. (Below 10 ms it does not hold: see bugs.spec.ts.)
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns, timeoutFor } from "./support/config.js";
import { gapsOf, nowForEver, nowHeaders, spacedOut } from "./support/spin.js";

describe("properties: a service that always says 'now'", () => {
  const runs = numRuns(12);

  it("gets its first 'now' at once, then polls 10 ms, 20 ms, 40 ms … apart up to intervalInMs (≥ 10), until the deadline", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 10, max: 5000 }), nowHeaders, async (intervalInMs, now) => {
        const record = await nowForEver(intervalInMs, now);
        expect(spacedOut(record)).toBe(true);
        expect(record.requests[1]!.at).toBe(0);
        const gaps = gapsOf(record);
        expect(gaps.slice(0, 3)).toEqual([10, 20, 40].map((gap) => Math.min(gap, intervalInMs)));
        expect(Math.max(...gaps)).toBe(intervalInMs);
      }),
      { numRuns: runs },
    );
  }, timeoutFor(runs, 200));
});
