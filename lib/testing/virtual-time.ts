import type { Observable, Subscription } from "rxjs";
import { TestScheduler } from "rxjs/testing";

/** What a stream did, each value with the virtual time it came at. Filled in as the stream runs. */
export interface LroRecording<T> {
  /** Every value, in order. */
  readonly values: T[];
  /** The virtual time (`scheduler.now()`) of each value. */
  readonly times: number[];
  /** The error the stream ended with, if it did. */
  error?: unknown;
  /** Whether the stream completed. */
  completed: boolean;
  /** The virtual time the stream completed or errored at. */
  endedAt?: number;
  /** The subscription: unsubscribe it to test cancellation. */
  readonly subscription: Subscription;
}

function structurallyEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => structurallyEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Throws when `run`-mode assertions (`expectObservable(...).toBe(...)`) disagree, so a
 * `TestScheduler` made here can never pass a marble test silently.
 */
function assertStructurallyEqual(actual: unknown, expected: unknown): void {
  if (!structurallyEqual(actual, expected)) {
    throw new Error(`Expected ${JSON.stringify(expected, null, 2)}\nbut got ${JSON.stringify(actual, null, 2)}`);
  }
}

/**
 * A `TestScheduler` for LRO streams, to pass as rx-lro's `scheduler` and the fake service's:
 * virtual milliseconds, no frame limit (an operation may run for hours of virtual time), and
 * driven by {@link runLro} or {@link advanceVirtualTime} rather than `run()`, because every
 * answer of an `HttpClient` is a promise. Its marble assertions (in `run` mode) compare
 * structurally, or with `assertDeepEqual` (your framework's deep equality) when given.
 *
 * @example
 * ```ts
 * import { beginLro } from "rx-lro";
 * import { createFakeLroService, createLroTestScheduler, runLro } from "rx-lro/testing";
 *
 * const scheduler = createLroTestScheduler();
 * const service = createFakeLroService({ scheduler }).script("DELETE", "https://management.azure.com/widgets/w1?api-version=1", { pattern: "location" });
 * const run = await runLro(beginLro({ url: "https://management.azure.com/widgets/w1?api-version=1", method: "DELETE" }, service.options), scheduler);
 * run.endedAt; // 4000: two polls, each after the default 2 s interval
 * ```
 */
export function createLroTestScheduler(assertDeepEqual: (actual: unknown, expected: unknown) => boolean | void = assertStructurallyEqual): TestScheduler {
  const scheduler = new TestScheduler(assertDeepEqual);
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  return scheduler;
}

/** Lets every pending promise (an `HttpClient`'s answer) settle: one macrotask turn. */
function settle(): Promise<void> {
  if (typeof setImmediate === "function") return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Runs the actions due at the earliest scheduled time, if any; false when nothing is scheduled. */
function flushNextDueTime(scheduler: TestScheduler, notAfter = Number.POSITIVE_INFINITY): boolean {
  const next = scheduler.actions[0];
  if (next === undefined || next.delay > notAfter) return false;
  scheduler.maxFrames = next.delay;
  scheduler.flush();
  scheduler.maxFrames = Number.POSITIVE_INFINITY;
  return true;
}

/**
 * Runs the scheduler's actions one due time at a time, letting promises (HTTP answers) settle in
 * between, until `until()` holds or nothing is scheduled. Unlike `flush()`, a timer never fires
 * before an answer that is already on its way, so virtual time passes as it would in real time.
 * Throws after `maxSteps` due times, for a stream that never stops polling.
 *
 * @example
 * ```ts
 * import { beginLro } from "rx-lro";
 * import { advanceVirtualTime, createFakeLroService, createLroTestScheduler, recordLro } from "rx-lro/testing";
 *
 * const scheduler = createLroTestScheduler();
 * const service = createFakeLroService({ scheduler }).script("POST", "https://management.azure.com/widgets/w1/restart?api-version=1", {});
 * const recording = recordLro(beginLro({ url: "https://management.azure.com/widgets/w1/restart?api-version=1", method: "POST" }, service.options), scheduler);
 * await advanceVirtualTime(scheduler, () => recording.values.length === 2); // the first poll answered
 * recording.subscription.unsubscribe();
 * service.inFlight; // 0
 * ```
 */
export async function advanceVirtualTime(scheduler: TestScheduler, until: () => boolean = () => false, maxSteps = 10_000): Promise<void> {
  for (let step = 0; step < maxSteps; step++) {
    await settle();
    if (until() || !flushNextDueTime(scheduler)) return;
  }
  throw new Error(`advanceVirtualTime: still running after ${maxSteps} due times; does the stream ever stop polling?`);
}

/**
 * Runs the scheduler up to, and including, virtual time `time` (letting promises settle between
 * due times), then sets its clock to `time`: for looking at a stream mid-operation.
 *
 * @example
 * ```ts
 * import { beginLro } from "rx-lro";
 * import { advanceVirtualTimeTo, createFakeLroService, createLroTestScheduler, recordLro } from "rx-lro/testing";
 *
 * const scheduler = createLroTestScheduler();
 * const url = "https://management.azure.com/widgets/w1?api-version=1";
 * const service = createFakeLroService({ scheduler }).script("PUT", url, { statuses: ["InProgress", "InProgress", "Succeeded"] });
 * const recording = recordLro(beginLro({ url, method: "PUT" }, service.options), scheduler);
 * await advanceVirtualTimeTo(scheduler, 2000);
 * recording.values.length; // 2: the initial state and the first poll's
 * ```
 */
export async function advanceVirtualTimeTo(scheduler: TestScheduler, time: number): Promise<void> {
  do await settle();
  while (flushNextDueTime(scheduler, time));
  scheduler.frame = Math.max(scheduler.frame, time);
  await settle();
}

/**
 * Subscribes to `source` and records everything it does, with virtual times; drive the
 * scheduler with {@link advanceVirtualTime} or {@link advanceVirtualTimeTo}.
 *
 * @example
 * ```ts
 * import { beginLro } from "rx-lro";
 * import { advanceVirtualTime, createFakeLroService, createLroTestScheduler, recordLro } from "rx-lro/testing";
 *
 * const scheduler = createLroTestScheduler();
 * const url = "https://management.azure.com/widgets/w1?api-version=1";
 * const service = createFakeLroService({ scheduler }).script("PUT", url, {});
 * const recording = recordLro(beginLro({ url, method: "PUT" }, service.options), scheduler);
 * await advanceVirtualTime(scheduler, () => recording.completed);
 * recording.times; // [0, 2000, 2000]
 * ```
 */
export function recordLro<T>(source: Observable<T>, scheduler: Pick<TestScheduler, "now">): LroRecording<T> {
  const values: T[] = [];
  const times: number[] = [];
  const recording: { -readonly [K in keyof LroRecording<T>]: LroRecording<T>[K] } = { values, times, completed: false, subscription: undefined as never };
  recording.subscription = source.subscribe({
    next: (value) => {
      values.push(value);
      times.push(scheduler.now());
    },
    error: (error: unknown) => {
      recording.error = error;
      recording.endedAt = scheduler.now();
    },
    complete: () => {
      recording.completed = true;
      recording.endedAt = scheduler.now();
    },
  });
  return recording;
}

/**
 * Subscribes to `source`, runs virtual time until it completes or errors (or nothing is left to
 * run), and resolves with what it did. The one call most LRO tests need.
 *
 * @example
 * ```ts
 * import { beginLro, LroBadStatusError } from "rx-lro";
 * import { createFakeLroService, createLroTestScheduler, runLro } from "rx-lro/testing";
 *
 * const scheduler = createLroTestScheduler();
 * const url = "https://management.azure.com/widgets/bad%20name?api-version=1";
 * const service = createFakeLroService({ scheduler }).script("PUT", url, {
 *   initialError: { status: 400, code: "InvalidResourceName", message: "Bad name." },
 * });
 * const run = await runLro(beginLro({ url, method: "PUT" }, service.options), scheduler);
 * run.error instanceof LroBadStatusError; // true, with the service's error: { code: "InvalidResourceName", … }
 * ```
 */
export async function runLro<T>(source: Observable<T>, scheduler: TestScheduler): Promise<LroRecording<T>> {
  const recording = recordLro(source, scheduler);
  await advanceVirtualTime(scheduler, () => recording.endedAt !== undefined);
  return recording;
}
