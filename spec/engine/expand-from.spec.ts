import { asyncScheduler, EMPTY, queueScheduler, expand, map, of, take, timer, type SchedulerLike } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { expandFrom, type ExpandAnswer, type ExpandSteps } from "../../lib/engine/expand-from.js";
import { collectGarbage } from "../support/collect-garbage.js";

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Doubles the last value after `delay` frames on `scheduler`, up to `limit`; records cancels. */
function doubling(scheduler: SchedulerLike, delay: number, limit: number) {
  const log = { steps: 0, cancels: 0 };
  let pending: { unsubscribe(): void } | undefined;
  const steps: ExpandSteps<number> = {
    step(last, answer) {
      if (last >= limit) return false;
      log.steps++;
      pending = scheduler.schedule(() => answer.next(last * 2), delay);
      return true;
    },
    cancel() {
      log.cancels++;
      pending?.unsubscribe();
    },
  };
  return { steps, log };
}

describe("expandFrom", () => {
  it("emits the seed, then each step's value, and completes when a step yields nothing more: what expand(…, 1) does", () => {
    testScheduler().run(({ expectObservable }) => {
      const expected = "a-b-c-(d|)";
      const values = { a: 1, b: 2, c: 4, d: 8 };
      // Inside run(), asyncScheduler keeps virtual time.
      const { steps } = doubling(asyncScheduler, 2, 8);
      expectObservable(expandFrom(1, steps)).toBe(expected, values);
      // The same values and timing as the operator it stands for.
      const reference = of(1).pipe(expand((last) => (last >= 8 ? EMPTY : timer(2).pipe(map(() => last * 2))), 1));
      expectObservable(reference).toBe(expected, values);
    });
  });

  it("unsubscribing cancels the pending step, once; nothing is cancelled after the loop completed", () => {
    testScheduler().run(({ expectObservable }) => {
      const early = doubling(asyncScheduler, 2, 8);
      expectObservable(expandFrom(1, early.steps), "---!").toBe("a-b-", { a: 1, b: 2 });
      const done = doubling(asyncScheduler, 1, 2);
      expectObservable(expandFrom(1, done.steps), "-----!").toBe("a(b|)", { a: 1, b: 2 });
      return Promise.resolve().then(() => {
        expect(early.log).toEqual({ steps: 2, cancels: 1 });
        expect(done.log).toEqual({ steps: 1, cancels: 0 });
      });
    });
  });

  it("errors with what a step fails with, and asks for no step after", () => {
    const outcomes: unknown[] = [];
    let steps = 0;
    expandFrom(1, {
      step(last, answer) {
        steps++;
        if (last < 3) answer.next(last + 1);
        else answer.error(new Error(`no step after ${last}`));
        return true;
      },
      cancel: () => outcomes.push("cancel"),
    }).subscribe({ next: (value) => outcomes.push(value), error: (error: Error) => outcomes.push(error.message), complete: () => outcomes.push("complete") });
    // The failed step may have started something: it is cancelled.
    expect(outcomes).toEqual([1, 2, 3, "no step after 3", "cancel"]);
    expect(steps).toBe(3);
  });

  it("loops over steps that answer synchronously instead of recursing: 100,000 of them on one stack", () => {
    let count = 0;
    let last = 0;
    expandFrom(0, {
      step: (value, answer) => (value < 100_000 ? (answer.next(value + 1), true) : false),
      cancel: () => undefined,
    }).subscribe({ next: (value) => ((last = value), count++) });
    expect(count).toBe(100_001);
    expect(last).toBe(100_000);
  });

  it("stops stepping as soon as the subscriber leaves during an emission (take)", () => {
    let steps = 0;
    const seen: number[] = [];
    expandFrom(0, {
      step: (value, answer) => (steps++, answer.next(value + 1), true),
      cancel: () => undefined,
    })
      .pipe(take(3))
      .subscribe((value) => seen.push(value));
    expect(seen).toEqual([0, 1, 2]);
    expect(steps).toBe(2);
  });

  it("is cold: each subscription runs its own loop from the seed", () => {
    const { steps } = doubling(queueScheduler, 0, 4);
    const loop = expandFrom(1, steps);
    const first: number[] = [];
    const second: number[] = [];
    loop.subscribe((value) => first.push(value));
    loop.subscribe((value) => second.push(value));
    expect(first).toEqual([1, 2, 4]);
    expect(second).toEqual([1, 2, 4]);
  });

  it("a running loop keeps its last value, not the seed (a first response is not kept until the operation ends)", async () => {
    let seed: { readonly n: number } | undefined = { n: 0 };
    const seedRef = new WeakRef(seed);
    let later: ExpandAnswer<{ readonly n: number }> | undefined;
    const subscription = expandFrom(seed, {
      step(last, answer) {
        if (last.n === 0) answer.next({ n: 1 });
        else later = answer;
        return true;
      },
      cancel: () => undefined,
    }).subscribe();
    seed = undefined;
    await collectGarbage();
    expect(later).toBeDefined();
    expect(seedRef.deref()).toBeUndefined();
    subscription.unsubscribe();
  });
});
