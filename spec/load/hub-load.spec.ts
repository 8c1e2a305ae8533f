// The load test (load/harness.ts, `npm run load` at 10,000) at 500 operations, in the suite:
// begun with beginLro(…).pipe(take(1)) and followed by one createLroHub against the loopback ARM
// server (in this process: at 500 operations its record is small and its CPU share modest). The
// correctness checks are exact; time is only a generous sanity bound. Memory is left to the
// script: a vitest worker has no --expose-gc and shares its heap with the runner, so a "back to
// baseline" figure here would measure vitest as much as the library.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad, type LoadReport } from "../../load/harness.js";
import { startInProcessServer, type LoadServer } from "../../load/server-host.js";

const count = 500;
const maxConcurrentPolls = 16;
const beginConcurrency = 16;
const intervalInMs = 500;

let server: LoadServer | undefined;
let report: LoadReport;

beforeAll(async () => {
  server = await startInProcessServer({ requestLog: { perOperation: 0, total: 0 } });
  report = await runLoad({
    count,
    maxConcurrentPolls,
    beginConcurrency,
    // Short operations: each needs one or two polls at Retry-After: 1; a quarter answer without
    // Retry-After and are polled on the hub's jittered 400–600 ms fallback interval.
    durationMs: [300, 1500],
    intervalInMs,
    deadlineMs: 45_000,
    server,
  });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const checkNamed = (prefix: string) => {
  const found = report.checks.find((check) => check.name.startsWith(prefix));
  if (found === undefined) throw new Error(`no check named "${prefix}…"`);
  return found;
};

describe(`${count} operations through one hub against the loopback ARM server`, () => {
  it("finishes, every operation begun and every stream ended in a terminal state", () => {
    expect(report.deadlineHit).toBe(false);
    expect(report.beginErrors).toEqual([]);
    expect(report.streamErrors).toEqual([]);
    expect(report.library.error + report.library.unfinished).toBe(0);
    expect(report.library.succeeded + report.library.failed + report.library.canceled).toBe(count);
    // The plan mixes kinds and outcomes: each terminal status occurs, for every kind.
    expect(report.library.succeeded).toBeGreaterThan(0);
    expect(report.library.failed).toBeGreaterThan(0);
    expect(report.library.canceled).toBeGreaterThan(0);
    for (const row of Object.values(report.byKind)) expect(row.library.succeeded + row.library.failed + row.library.canceled).toBeGreaterThan(0);
  });

  it("reaches each operation's true terminal state: the library and server.operations() agree per operation id", () => {
    expect(report.statusMismatches, report.mismatchExamples.join("\n")).toBe(0);
    expect(report.serverStatus).toEqual({
      Succeeded: report.library.succeeded,
      Failed: report.library.failed,
      Canceled: report.library.canceled,
      running: 0,
    });
    expect(checkNamed("server holds exactly these operations").pass, checkNamed("server holds exactly these operations").detail).toBe(true);
    expect(checkNamed("every end was served by a poll").pass).toBe(true);
  });

  it("sends exactly the requests the server counted: in total, by kind, by status, and polls per operation", () => {
    const { client, server: counted, perOperationPollMismatches } = report.requests;
    expect(client.total).toBe(counted.total);
    expect(client.byKind).toEqual(counted.byKind);
    expect(client.byStatus).toEqual(counted.byStatus);
    expect(client.transportErrors).toBe(0);
    expect(counted.abandoned).toBe(0);
    expect(perOperationPollMismatches).toBe(0);
    expect(client.byKind.initial).toBe(count);
    expect(client.byKind.other).toBe(0);
  });

  it("keeps polls within maxConcurrentPolls; initial requests, which bypass the hub, within the begin concurrency", () => {
    expect(report.inFlight.overBudget).toBe(0);
    expect(report.inFlight.maxGets).toBeLessThanOrEqual(maxConcurrentPolls);
    expect(report.inFlight.maxInitial).toBeLessThanOrEqual(beginConcurrency);
    expect(report.inFlight.max).toBeLessThanOrEqual(maxConcurrentPolls + beginConcurrency);
  });

  it("never polls before Retry-After, nor sooner than the jittered fallback interval allows", () => {
    expect(report.pacing.retryAfterPolls).toBeGreaterThan(0);
    expect(report.pacing.early, `earliest ${report.pacing.latenessMinMs} ms`).toBe(0);
    expect(report.pacing.fallbackPolls).toBeGreaterThan(0);
    expect(report.pacing.fallbackGapMinMs).toBeGreaterThanOrEqual(intervalInMs * 0.8 - 1);
    // Jittered, not in lockstep: the gaps spread over many 10 ms buckets.
    expect(report.pacing.fallbackGapDistinct10Ms).toBeGreaterThan(5);
  });

  it("shares one loop with late watchers, and summary$ counts what the streams saw, then nothing after forget", () => {
    expect(report.sharedWatchers.total).toBe(count / 10);
    expect(report.sharedWatchers.agreeing).toBe(report.sharedWatchers.total);
    expect(report.summaryAtEnd).toEqual({
      notStarted: 0,
      running: 0,
      succeeded: report.library.succeeded,
      failed: report.library.failed,
      canceled: report.library.canceled,
      total: count,
    });
    expect(report.summaryAfterForget?.total).toBe(0);
  });

  it("passes every check of the script (sanity: well within the deadline)", () => {
    const failed = report.checks.filter((check) => !check.pass).map((check) => `${check.name}: ${check.detail}`);
    expect(failed).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.wallMs).toBeLessThan(45_000);
  });
});
