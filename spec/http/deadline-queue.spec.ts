import { describe, expect, it } from "vitest";
import { Deadline, DeadlineQueue } from "../../lib/http/deadline-queue.js";
import { virtualScheduler } from "../support/virtual-time.js";

/** Runs the scheduler to `time`, recording when each deadline expires. */
function setup(lengthInMs = 100) {
  const scheduler = virtualScheduler();
  const queue = DeadlineQueue.for(scheduler, lengthInMs);
  const expired: [string, number][] = [];
  const deadline = (name: string) => new Deadline(() => expired.push([name, scheduler.now()]));
  const runTo = (time: number) => {
    scheduler.maxFrames = time;
    scheduler.flush();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
  };
  const at = (time: number, action: () => void) => scheduler.schedule(action, time);
  return { scheduler, queue, expired, deadline, runTo, at };
}

describe("DeadlineQueue", () => {
  it("is one queue per scheduler and length", () => {
    const scheduler = virtualScheduler();
    expect(DeadlineQueue.for(scheduler, 100)).toBe(DeadlineQueue.for(scheduler, 100));
    expect(DeadlineQueue.for(scheduler, 100)).not.toBe(DeadlineQueue.for(scheduler, 200));
    expect(DeadlineQueue.for(scheduler, 100)).not.toBe(DeadlineQueue.for(virtualScheduler(), 100));
  });

  it("expires each deadline exactly its length after it was set, in order, with one action scheduled", () => {
    const { scheduler, queue, expired, deadline, runTo, at } = setup();
    const [a, b, c] = [deadline("a"), deadline("b"), deadline("c")];
    queue.set(a);
    at(30, () => queue.set(b));
    at(70, () => queue.set(c));
    runTo(69);
    // One action for the queue (aimed at a), plus the one left of the test's own two.
    expect(scheduler.actions.map((action) => action.delay)).toEqual([70, 100]);
    runTo(1_000);
    expect(expired).toEqual([["a", 100], ["b", 130], ["c", 170]]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("a cleared deadline never expires, and an emptied queue leaves no action behind", () => {
    const { scheduler, queue, expired, deadline, runTo, at } = setup();
    const [a, b] = [deadline("a"), deadline("b")];
    queue.set(a);
    at(10, () => queue.set(b));
    at(50, () => queue.clear(a));
    runTo(60);
    expect(scheduler.actions.map((action) => action.delay)).toEqual([100]);
    at(20, () => queue.clear(b)); // at 80
    runTo(200);
    expect(expired).toEqual([]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("re-aims when the first deadline is cleared before it falls due", () => {
    const { queue, expired, deadline, runTo, at } = setup();
    const [a, b] = [deadline("a"), deadline("b")];
    queue.set(a);
    at(40, () => queue.set(b));
    at(60, () => queue.clear(a));
    runTo(1_000);
    expect(expired).toEqual([["b", 140]]);
  });

  it("setting a deadline again moves it to the back, from now", () => {
    const { queue, expired, deadline, runTo, at } = setup();
    const [a, b] = [deadline("a"), deadline("b")];
    queue.set(a);
    at(20, () => queue.set(b));
    at(50, () => queue.set(a));
    runTo(1_000);
    expect(expired).toEqual([["b", 120], ["a", 150]]);
  });

  it("a deadline set for earlier than the last one (the clock went back) is not held up behind it", () => {
    const { scheduler, queue, expired, deadline, runTo } = setup();
    const [a, b] = [deadline("a"), deadline("b")];
    queue.set(a);
    const now = scheduler.now;
    // The clock jumps 60 ms back, and stays there: b falls due at 40 by it, before a at 100.
    scheduler.now = () => now.call(scheduler) - 60;
    queue.set(b);
    runTo(1_000);
    expect(expired).toEqual([["b", 40], ["a", 100]]);
  });

  it("a deadline may be set again from inside an expiry", () => {
    const { queue, expired, runTo, scheduler } = setup();
    let times = 0;
    const again: Deadline = new Deadline(() => {
      expired.push(["again", scheduler.now()]);
      if (++times < 3) queue.set(again);
    });
    queue.set(again);
    runTo(1_000);
    expect(expired).toEqual([["again", 100], ["again", 200], ["again", 300]]);
    expect(scheduler.actions).toHaveLength(0);
  });
});
