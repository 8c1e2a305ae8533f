import { concat, interval, map, NEVER, of, throwError, timer } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { beginLro } from "../../lib/index.js";
import { advanceVirtualTime, advanceVirtualTimeTo, createFakeLroService, createLroTestScheduler, lroMarbles, recordLro, runLro, type LroRecording } from "../../lib/testing/index.js";

const url = "https://management.azure.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w1?api-version=2024-01-01";

/** The frames and kinds `TestScheduler` reads back from a diagram. */
function parsed(diagram: string): string[] {
  // Inside run(), where one frame is one millisecond, as lroMarbles draws.
  const messages = new TestScheduler(() => undefined).run(() => TestScheduler.parseMarbles(diagram, undefined, undefined, undefined, true));
  return messages.map(({ frame, notification }) => `${notification.kind}@${frame}`);
}

function recorded(recording: LroRecording<unknown>): string[] {
  const events = recording.times.map((time) => `N@${time}`);
  if (recording.endedAt !== undefined) events.push(`${recording.completed ? "C" : "E"}@${recording.endedAt}`);
  return events;
}

describe("lroMarbles", () => {
  it("draws an LRO stream's timing and statuses, in syntax TestScheduler reads back to the same frames", async () => {
    const scheduler = createLroTestScheduler();
    const service = createFakeLroService({ scheduler }).script("PUT", url, { statuses: ["InProgress", "InProgress", "Succeeded"], retryAfterInSeconds: 2 });

    const run = await runLro(beginLro({ url, method: "PUT" }, service.options), scheduler);
    const diagram = lroMarbles(run);

    expect(diagram).toBe("r 1999ms r 1999ms r 1999ms (s|)");
    expect(parsed(diagram)).toEqual(recorded(run));
  });

  it("draws failures, errors, values at one instant and custom letters", async () => {
    const scheduler = createLroTestScheduler();
    const failing = createFakeLroService({ scheduler }).script("PUT", url, { statuses: ["Failed"], error: { code: "Quota", message: "no" } });
    const failed = await runLro(beginLro({ url, method: "PUT" }, { ...failing.options, intervalInMs: 500 }), scheduler);
    expect(lroMarbles(failed)).toBe("r 499ms (f|)");

    const start = scheduler.now();
    const errored = await runLro(concat(of(1, 2), timer(30, scheduler).pipe(map(() => 3)), throwError(() => new Error("x"))), scheduler);
    expect(errored.times.map((time) => time - start)).toEqual([0, 0, 30]);
    expect(lroMarbles({ ...errored, times: errored.times.map((time) => time - start), endedAt: errored.endedAt! - start }, { letter: (n) => "abc"[n - 1]! })).toBe("(ab) 26ms (c#)");
    expect(parsed("(ab) 26ms (c#)")).toEqual(["N@0", "N@0", "N@30", "E@30"]);
  });

  it("leaves a stream that has not ended open, and refuses what it cannot draw", async () => {
    const scheduler = createLroTestScheduler();
    const open = await runLro(concat(of({ status: "running" }), NEVER), scheduler);
    expect(lroMarbles(open)).toBe("r");
    expect(() => lroMarbles(open, { letter: () => "|" })).toThrow(TypeError);
    expect(() => lroMarbles(open, { letter: () => "ab" })).toThrow(/one character/);
    // Two values one frame apart after a group: marble syntax has no way to draw it.
    expect(() => lroMarbles({ values: [1, 2, 3], times: [0, 0, 1], completed: false })).toThrow(RangeError);
  });
});

describe("createLroTestScheduler", () => {
  it("fails a marble assertion that does not hold (its default deep equality throws)", () => {
    const scheduler = createLroTestScheduler();
    expect(() => scheduler.run(({ cold, expectObservable }) => expectObservable(cold("a-b|")).toBe("a-c|"))).toThrow(/Expected/);
    const passing = createLroTestScheduler();
    expect(() => passing.run(({ cold, expectObservable }) => expectObservable(cold("a-b|", { a: { x: [1] }, b: 2 })).toBe("a-b|", { a: { x: [1] }, b: 2 }))).not.toThrow();
  });

  it("lets time run for hours of virtual time", async () => {
    const scheduler = createLroTestScheduler();
    const service = createFakeLroService({ scheduler }).script("PUT", url, { statuses: ["InProgress", "Succeeded"], retryAfterInSeconds: 3 * 3600 });
    const run = await runLro(beginLro({ url, method: "PUT" }, { ...service.options, maxDelayInMs: 24 * 3600_000 }), scheduler);
    expect(run.times.at(-1)).toBe(6 * 3600_000);
  });
});

describe("advanceVirtualTime, advanceVirtualTimeTo", () => {
  it("stop mid-operation at a virtual time, and refuse to spin forever", async () => {
    const scheduler = createLroTestScheduler();
    const service = createFakeLroService({ scheduler }).script("PUT", url, { statuses: ["InProgress", "InProgress", "Succeeded"] });
    const recording = recordLro(beginLro({ url, method: "PUT" }, service.options), scheduler);

    await advanceVirtualTimeTo(scheduler, 3999);
    expect([scheduler.now(), recording.values.length]).toEqual([3999, 2]);
    await advanceVirtualTimeTo(scheduler, 4000);
    expect(recording.values.length).toBe(3);
    recording.subscription.unsubscribe();

    const forever = recordLro(interval(1000, scheduler), scheduler);
    await expect(advanceVirtualTime(scheduler, () => false, 5)).rejects.toThrow(/still running after 5 due times/);
    expect(forever.values).toEqual([0, 1, 2, 3, 4]);
    forever.subscription.unsubscribe();
  });
});
