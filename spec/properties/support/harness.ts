/**
 * Runs one stream against a scripted `FakeService` on virtual time and records everything the
 * invariants need: each event with its virtual time and how many requests came before it, how
 * it ended, what was left pending, and what went wrong out of band (unhandled rejections, rxjs
 * errors reported after the fact, notifications to a stopped subscriber).
 */
import type { PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { config, type Observable, type SchedulerAction, type SchedulerLike, type Subscription } from "rxjs";
import type { TestScheduler } from "rxjs/testing";
import type { LroState } from "../../../lib/index.js";
import { FakeService, type FakeReply, type ReceivedRequest } from "../../support/fake-service.js";
import { virtualScheduler } from "../../support/virtual-time.js";

/** A `FakeService` that tells its observer about each request the moment it arrives. */
export class ObservedFakeService extends FakeService {
  onRequest: ((count: number) => void) | undefined;

  override sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const answer = super.sendRequest(request);
    this.onRequest?.(this.requests.length);
    return answer;
  }
}

/** A world: the scheduler the library runs on, and a fake whose own timers are told apart. */
export interface World {
  readonly scheduler: TestScheduler;
  readonly service: ObservedFakeService;
  /** The scheduler actions that belong to the library (or the stream under test), not to the fake. */
  libraryActions(): unknown[];
  /** Options routing a stream here: the fake's client and pipeline, the virtual scheduler. */
  readonly options: { httpClient: ObservedFakeService; pipeline: ObservedFakeService["pipeline"]; scheduler: TestScheduler };
}

export function createWorld(routes: ReadonlyMap<string, readonly FakeReply[]>, startAt = 0): World {
  const scheduler = virtualScheduler();
  scheduler.frame = startAt;
  const fakeActions = new WeakSet<object>();
  // The fake schedules its answers and request deadlines through this, so that they are not
  // mistaken for timers the library left behind.
  const tagging: SchedulerLike = {
    now: () => scheduler.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay?: number, state?: T): Subscription {
      const action = scheduler.schedule(work, delay, state);
      fakeActions.add(action);
      return action;
    },
  };
  const service = new ObservedFakeService(tagging);
  for (const [key, replies] of routes) {
    const space = key.indexOf(" ");
    service.on(key.slice(0, space), key.slice(space + 1), ...replies);
  }
  return {
    scheduler,
    service,
    libraryActions: () => scheduler.actions.filter((action) => !fakeActions.has(action)),
    options: { httpClient: service, pipeline: service.pipeline, scheduler },
  };
}

export type RunEvent =
  | { readonly kind: "next"; readonly at: number; readonly requestsBefore: number; readonly state: LroState }
  | { readonly kind: "error"; readonly at: number; readonly requestsBefore: number; readonly error: unknown }
  | { readonly kind: "complete"; readonly at: number; readonly requestsBefore: number };

/** How a run ended. `stuck`: nothing left to run and not ended; `spinning`: still running after the step budget. */
export type RunEnd = "complete" | "error" | "unsubscribed" | "stuck" | "spinning" | "threw";

export interface RunRecord {
  readonly events: RunEvent[];
  /** Every request the fake received, during and after the run. */
  readonly requests: readonly ReceivedRequest[];
  readonly subscribedAt: number;
  end: RunEnd;
  /** Virtual time at which it ended, and how many requests had been sent by then. */
  endAt: number;
  requestsAtEnd: number;
  /** Events after the end (complete, error or unsubscribe) that reached the observer. */
  eventsAfterEnd: number;
  /** After the end and a settle: library timers still scheduled, requests still in flight. */
  libraryActionsAfterEnd: number;
  inFlightAfterEnd: number;
  /** When the `abortAt` controller fired, if it did. */
  abortedAt?: number;
  /** What the stream (or `beginLro` itself) threw synchronously. */
  thrown?: unknown;
  /** Notifications (N, E, C) sent to our subscriber after it stopped: swallowed by rxjs, caught here. */
  readonly stoppedNotifications: string[];
  readonly unhandledErrors: unknown[];
  readonly unhandledRejections: unknown[];
}

/**
 * When to unsubscribe, if at all: at a virtual time, inside the n-th `next`, or as the n-th
 * request arrives; or, instead, when to fire the `abortSignal` the stream was given.
 */
export type Unsubscribe =
  | { readonly kind: "atTime"; readonly at: number }
  | { readonly kind: "abortAt"; readonly at: number; readonly controller: AbortController }
  | { readonly kind: "onState"; readonly n: number }
  | { readonly kind: "onRequest"; readonly n: number };

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const realTick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface RunSettings {
  readonly unsubscribe?: Unsubscribe;
  /** Scheduler steps (distinct due times) before the run counts as spinning. */
  readonly maxSteps?: number;
  /** Virtual time to keep running the fake's leftovers after the end, watching for late requests. */
  readonly drainFor?: number;
}

/**
 * Subscribes to `makeStream()` in `world`, runs virtual time (one due time per step, promises
 * settled in between) until the stream ends, then checks what is left and keeps the fake's own
 * leftovers running for a while to catch anything sent or emitted late.
 */
export async function runStream(world: World, makeStream: () => Observable<LroState>, settings: RunSettings = {}): Promise<RunRecord> {
  const { scheduler, service } = world;
  const { unsubscribe, maxSteps = 4000, drainFor = 120_000 } = settings;
  const record: RunRecord = {
    events: [],
    requests: service.requests,
    subscribedAt: scheduler.now(),
    end: "stuck",
    endAt: Number.NaN,
    requestsAtEnd: Number.NaN,
    eventsAfterEnd: 0,
    libraryActionsAfterEnd: 0,
    inFlightAfterEnd: 0,
    stoppedNotifications: [],
    unhandledErrors: [],
    unhandledRejections: [],
  };
  let ended = false;
  const endNow = (end: RunEnd) => {
    if (ended) return;
    ended = true;
    record.end = end;
    record.endAt = scheduler.now();
    record.requestsAtEnd = service.requests.length;
  };
  const note = (event: RunEvent) => {
    if (ended) record.eventsAfterEnd++;
    record.events.push(event);
  };

  let subscription: Subscription | undefined;
  const onRejection = (reason: unknown) => record.unhandledRejections.push(reason);
  process.on("unhandledRejection", onRejection);
  const savedStopped = config.onStoppedNotification;
  const savedUnhandled = config.onUnhandledError;
  // Only notifications to our own subscriber count: operators inside the library may legitimately
  // signal a subscriber they have already closed (a `send` completing after its value errored downstream).
  config.onStoppedNotification = (notification, subscriber) => {
    if (subscriber === subscription) record.stoppedNotifications.push(notification.kind);
  };
  config.onUnhandledError = (error) => record.unhandledErrors.push(error);

  const cancel = () => {
    endNow("unsubscribed");
    subscription?.unsubscribe();
  };
  try {
    if (unsubscribe?.kind === "onRequest") service.onRequest = (count) => count === unsubscribe.n && cancel();
    let states = 0;
    try {
      const stream = makeStream();
      subscription = stream.subscribe({
        next: (state) => {
          note({ kind: "next", at: scheduler.now(), requestsBefore: service.requests.length, state });
          if (unsubscribe?.kind === "onState" && ++states === unsubscribe.n) cancel();
        },
        error: (error: unknown) => {
          note({ kind: "error", at: scheduler.now(), requestsBefore: service.requests.length, error });
          endNow("error");
        },
        complete: () => {
          note({ kind: "complete", at: scheduler.now(), requestsBefore: service.requests.length });
          endNow("complete");
        },
      });
      if (ended) subscription.unsubscribe();
    } catch (error) {
      record.thrown = error;
      endNow("threw");
    }

    let steps = 0;
    for (; !ended && steps < maxSteps; steps++) {
      await settle();
      if (ended) break;
      const next = scheduler.actions[0];
      if (unsubscribe?.kind === "atTime" && (next === undefined || (next.delay ?? 0) > unsubscribe.at)) {
        cancel();
        break;
      }
      if (unsubscribe?.kind === "abortAt" && !unsubscribe.controller.signal.aborted && (next === undefined || (next.delay ?? 0) > unsubscribe.at)) {
        record.abortedAt = scheduler.now();
        unsubscribe.controller.abort(new Error("user gave up"));
        continue;
      }
      if (next === undefined) break;
      scheduler.maxFrames = next.delay ?? 0;
      scheduler.flush();
      scheduler.maxFrames = Number.POSITIVE_INFINITY;
    }
    if (!ended) {
      endNow(steps >= maxSteps ? "spinning" : "stuck");
      subscription?.unsubscribe();
    }

    // What the end left behind: give aborted requests their settle, then look.
    await settle();
    record.libraryActionsAfterEnd = world.libraryActions().length;
    record.inFlightAfterEnd = service.inFlight;

    // Keep the fake's leftovers (late answers to aborted requests) and any stray timer running.
    const until = scheduler.now() + drainFor;
    for (let step = 0; step < 200; step++) {
      await settle();
      const next = scheduler.actions[0];
      if (next === undefined || (next.delay ?? 0) > until) break;
      scheduler.maxFrames = next.delay ?? 0;
      scheduler.flush();
      scheduler.maxFrames = Number.POSITIVE_INFINITY;
    }
    // rxjs reports stopped notifications and unhandled errors on a real timeout.
    await realTick();
  } finally {
    service.onRequest = undefined;
    config.onStoppedNotification = savedStopped;
    config.onUnhandledError = savedUnhandled;
    process.off("unhandledRejection", onRejection);
  }
  return record;
}

/** A compact account of a run, for failure messages. */
export function describeRun(record: RunRecord): string {
  const lines = [`end: ${record.end} @${record.endAt} after ${record.requestsAtEnd} requests`];
  const requests = record.requests.map((request, index) => ({ index, text: `  → ${request.method} ${request.url} @${request.at}` }));
  let r = 0;
  for (const event of record.events) {
    while (r < event.requestsBefore && r < requests.length) lines.push(requests[r++]!.text);
    if (event.kind === "next") {
      const { status, providerStatus, httpStatus, nextPollInMs, pollingUrl } = event.state;
      lines.push(`  ← @${event.at} ${status} (${providerStatus}, HTTP ${httpStatus ?? "-"}, next ${nextPollInMs ?? "-"}, polling ${pollingUrl ?? "-"})`);
    } else if (event.kind === "error") {
      const error = event.error as Error;
      lines.push(`  ✗ @${event.at} ${error?.constructor?.name}: ${error?.message}`);
    } else lines.push(`  ✓ @${event.at} complete`);
  }
  while (r < requests.length) lines.push(requests[r++]!.text);
  return lines.join("\n");
}
