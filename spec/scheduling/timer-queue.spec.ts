import { describe, expect, it } from "vitest";
import { Timer, TimerQueue } from "../../lib/scheduling/timer-queue.js";
import { virtualScheduler } from "../support/virtual-time.js";

/** Timers of `lengthInMs` on a virtual scheduler, recording when each fires. */
function setup(lengthInMs = 100) {
  const scheduler = virtualScheduler();
  const queue = {
    set: (timer: Timer) => timer.start(scheduler, lengthInMs),
    clear: (timer: Timer) => timer.stop(),
  };
  const expired: [string, number][] = [];
  const deadline = (name: string) => new Timer(() => expired.push([name, scheduler.now()]));
  const runTo = (time: number) => {
    scheduler.maxFrames = time;
    scheduler.flush();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
  };
  const at = (time: number, action: () => void) => scheduler.schedule(action, time);
  return { scheduler, queue, expired, deadline, runTo, at };
}

describe("Timer and TimerQueue", () => {
  it("is one queue per scheduler and length while a timer runs in it; an emptied queue is let go of", () => {
    const scheduler = virtualScheduler();
    const timer = new Timer(() => undefined);
    timer.start(scheduler, 100);
    expect(timer.queue).toBe(TimerQueue.for(scheduler, 100));
    expect(TimerQueue.for(scheduler, 100)).not.toBe(TimerQueue.for(scheduler, 200));
    expect(TimerQueue.for(scheduler, 100)).not.toBe(TimerQueue.for(virtualScheduler(), 100));
    const running = timer.queue;
    timer.stop();
    expect(timer.queue).toBeUndefined();
    expect(TimerQueue.for(scheduler, 100)).not.toBe(running);
  });

  it("timers of different lengths each fire on time; starting a timer again moves it to the new length", () => {
    const scheduler = virtualScheduler();
    const fired: [string, number][] = [];
    const timer = (name: string) => new Timer(() => fired.push([name, scheduler.now()]));
    const [a, b, c] = [timer("a"), timer("b"), timer("c")];
    a.start(scheduler, 50);
    b.start(scheduler, 10);
    c.start(scheduler, 30);
    c.start(scheduler, 70);
    scheduler.flush();
    expect(fired).toEqual([["b", 10], ["a", 50], ["c", 70]]);
  });

  it("a timer started while its queue fires waits for the next turn, even when due at once (no spinning in one turn)", () => {
    const scheduler = virtualScheduler();
    const fired: number[] = [];
    let turns = 0;
    const again: Timer = new Timer(() => {
      fired.push(scheduler.now());
      if (++turns < 3) again.start(scheduler, 0);
    });
    const other = new Timer(() => fired.push(-1));
    again.start(scheduler, 0);
    other.start(scheduler, 0);
    // Each turn is an action of its own: three for `again`, the first shared with `other`.
    const flushes: number[] = [];
    const schedule = scheduler.schedule.bind(scheduler);
    scheduler.schedule = ((work, delay, state) => (flushes.push(delay ?? 0), schedule(work, delay, state))) as typeof scheduler.schedule;
    scheduler.flush();
    expect(fired).toEqual([0, -1, 0, 0]);
    expect(flushes).toEqual([0, 0]);
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
    const again: Timer = new Timer(() => {
      expired.push(["again", scheduler.now()]);
      if (++times < 3) queue.set(again);
    });
    queue.set(again);
    runTo(1_000);
    expect(expired).toEqual([["again", 100], ["again", 200], ["again", 300]]);
    expect(scheduler.actions).toHaveLength(0);
  });
});
