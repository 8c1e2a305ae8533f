import { type Observable, type Subscription } from "rxjs";
import { TestScheduler } from "rxjs/testing";

/** What a stream did, with the virtual time of each event. */
export interface Recording<T> {
  readonly values: T[];
  readonly times: number[];
  error?: unknown;
  completed: boolean;
  subscription: Subscription;
}

/** A `TestScheduler` for driving by hand (not in `run` mode), with no frame limit. */
export function virtualScheduler(): TestScheduler {
  const scheduler = new TestScheduler(() => undefined);
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  return scheduler;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs the scheduler's due actions one due time at a time, letting promises (the HTTP hop)
 * settle in between, until `until` holds or nothing is left to run. Unlike `flush()`, a timer
 * never fires before a response that is already on its way.
 */
export async function advance(scheduler: TestScheduler, until: () => boolean = () => false, maxSteps = 10_000): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    await settle();
    if (until()) return;
    const next = scheduler.actions[0];
    if (next === undefined) return;
    scheduler.maxFrames = next.delay;
    scheduler.flush();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
  }
  throw new Error(`advance: still running after ${maxSteps} steps`);
}

/** Runs the scheduler up to (and including) virtual time `time`. */
export async function advanceTo(scheduler: TestScheduler, time: number): Promise<void> {
  for (;;) {
    await settle();
    const next = scheduler.actions[0];
    if (next === undefined || next.delay > time) break;
    scheduler.maxFrames = next.delay;
    scheduler.flush();
    scheduler.maxFrames = Number.POSITIVE_INFINITY;
  }
  scheduler.frame = Math.max(scheduler.frame, time);
  await settle();
}

/** Subscribes and records everything the stream does. */
export function record<T>(source: Observable<T>, scheduler: TestScheduler): Recording<T> {
  const recording: Recording<T> = { values: [], times: [], completed: false, subscription: undefined as unknown as Subscription };
  recording.subscription = source.subscribe({
    next: (value) => {
      recording.values.push(value);
      recording.times.push(scheduler.now());
    },
    error: (error: unknown) => {
      recording.error = error;
    },
    complete: () => {
      recording.completed = true;
    },
  });
  return recording;
}

/** Subscribes, runs virtual time until the stream ends, and returns what it did. */
export async function runToEnd<T>(source: Observable<T>, scheduler: TestScheduler): Promise<Recording<T>> {
  const recording = record(source, scheduler);
  await advance(scheduler, () => recording.completed || recording.error !== undefined);
  return recording;
}
