/** A service that answers every poll "Running, poll again now", for ever. */
import fc from "fast-check";
import { beginLro } from "../../../lib/index.js";
import { urls } from "./arbitraries.js";
import { createWorld, runStream, type RunRecord } from "./harness.js";

/** The ways a response says "now": 0 in each header, and a date in the past. */
export const nowHeaders = fc.constantFrom<Record<string, string>>(
  { "Retry-After": "0" },
  { "retry-after-ms": "0" },
  { "x-ms-retry-after-ms": "0" },
  { "Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT" },
);

/** POST → 202 with Azure-AsyncOperation, then "Running, now" for ever; a 60 s deadline. */
export async function nowForEver(intervalInMs: number, now: Record<string, string>): Promise<RunRecord> {
  const world = createWorld(
    new Map([
      [`POST ${urls.R}`, [{ status: 202, headers: { "Azure-AsyncOperation": urls.A, ...now } }]],
      [`GET ${urls.A}`, [{ status: 200, headers: now, body: { status: "Running" } }]],
    ]),
  );
  // 60 s at one poll per 10 ms at most is 6 000 polls: more steps than that is a tight loop.
  return runStream(world, () => beginLro({ url: urls.R, method: "POST" }, { ...world.options, intervalInMs, timeoutInMs: 60_000 }), { maxSteps: 6_500 });
}

/** The time between consecutive polls (the first poll answers the initial response's "now" at once). */
export function gapsOf(record: RunRecord): number[] {
  const polls = record.requests.slice(1);
  return polls.slice(1).map((request, index) => request.at - polls[index]!.at);
}

/** After the first "now", no two polls closer than 10 ms, and the deadline ends it. */
export function spacedOut(record: RunRecord): boolean {
  return record.end === "error" && record.endAt === 60_000 && gapsOf(record).every((gap) => gap >= 10);
}
