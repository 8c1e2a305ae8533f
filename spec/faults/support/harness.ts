/**
 * The fault-injection suite's harness: one embedded ARM server per spec file on 127.0.0.1, a
 * counting (and fencing) HttpClient, a counting scheduler, and the checks every test ends with:
 * no timer pending, no request in flight, no unhandled rejection, no timer overflow warning.
 *
 * Import `useFaultHarness()` at the top of a spec file; it installs the hooks and returns the
 * live harness (its fields are replaced before each test).
 * @module
 */
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  type HttpClient,
  type Pipeline,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { asyncScheduler, lastValueFrom, type Observable, type SchedulerAction, type SchedulerLike, type Subscription, tap, toArray } from "rxjs";
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from "vitest";
import { resumeLro, statusFromWord, type BeginLroOptions, type LroState } from "../../../lib/index.js";
import { startArmServer, type ArmResponse, type ArmServer, type ArmServerOptions, type RequestRecord } from "../../../server/index.js";

/** The pipeline's own retries (core-rest-pipeline's default, spelled out): 1 + 3 attempts per send. */
export const pipelineRetries = 3;
/** rx-lro's retries on top of the pipeline's (`retry.maxRetries`). */
export const lroRetries = 2;
/** Attempts the server sees for one poll that keeps failing with a status the pipeline retries. */
export const attemptsPerPoll = (1 + pipelineRetries) * (1 + lroRetries);
/** The polling interval when a response has no Retry-After. */
export const intervalInMs = 25;
/** How long the server's operations run by default (the `duration` knob overrides it per request). */
export const operationDurationInMs = 60;
/** The `retry-after-ms` the server sends while an operation runs. */
export const serverRetryAfterInMs = 10;

/** One request as the client handed it to the transport. */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly at: number;
  /** Refused by the fence (not 127.0.0.1): never sent. */
  readonly fenced: boolean;
}

/** Thrown by the fence instead of sending anywhere but 127.0.0.1. */
export class FencedRequestError extends Error {
  override readonly name = "FencedRequestError";
}

/**
 * The default Node HttpClient, counted: every request handed to it, and how many are in flight.
 * It is also a fence: a request to any host but 127.0.0.1 is recorded and refused without
 * touching the network, so that even a library bug cannot send traffic elsewhere.
 */
export class CountingHttpClient implements HttpClient {
  readonly sent: SentRequest[] = [];
  inFlight = 0;
  readonly #inner = createDefaultHttpClient();

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const fenced = new URL(request.url).hostname !== "127.0.0.1";
    this.sent.push({ method: request.method, url: request.url, at: Date.now(), fenced });
    if (fenced) throw new FencedRequestError(`The test fence refused to send to ${request.url}`);
    this.inFlight += 1;
    try {
      return await this.#inner.sendRequest(request);
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Requests handed to the transport whose URL starts with `prefix`. */
  sentTo(prefix: string): SentRequest[] {
    return this.sent.filter((request) => request.url.startsWith(prefix));
  }
}

type TrackedAction = Subscription & { pending?: boolean };

/**
 * `asyncScheduler`, counted: every delay asked for, and the actions scheduled and not yet run or
 * cancelled (an rxjs AsyncAction is `pending` from `schedule` until it runs; `closed` once cancelled).
 */
export class CountingScheduler {
  readonly delays: number[] = [];
  readonly #actions = new Set<TrackedAction>();

  now(): number {
    return asyncScheduler.now();
  }

  schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
    this.delays.push(delay);
    const action = asyncScheduler.schedule(work, delay, state) as TrackedAction;
    this.#actions.add(action);
    return action;
  }

  /** Timers scheduled and neither run nor cancelled. */
  get pending(): number {
    let count = 0;
    for (const action of this.#actions) {
      if (!action.closed && action.pending === true) count += 1;
      else this.#actions.delete(action);
    }
    return count;
  }

  get asSchedulerLike(): SchedulerLike {
    return this as unknown as SchedulerLike;
  }
}

/** What a stream did: its states, and the error it ended with (`undefined` if it completed). */
export interface Run<T = unknown> {
  readonly states: LroState<T>[];
  readonly error: unknown;
  /** The operation id the server sent on the initial response (`x-demo-operation-id`). */
  readonly operationId: string | undefined;
}

/** Subscribes, collects every state, and resolves when the stream ends (completion or error). */
export async function run<T>(states$: Observable<LroState<T>>): Promise<Run<T>> {
  const states: LroState<T>[] = [];
  let error: unknown;
  try {
    await lastValueFrom(states$.pipe(tap((state) => states.push(state)), toArray()));
  } catch (caught) {
    error = caught;
  }
  const operationId = states[0]?.rawResponse?.headers.get("x-demo-operation-id");
  return { states, error, operationId };
}

/** Milliseconds between consecutive records. */
export function gaps(records: readonly RequestRecord[]): number[] {
  return records.slice(1).map((record, index) => record.at - records[index]!.at);
}

/** The live harness of a spec file. */
export interface FaultHarness {
  server: ArmServer;
  client: CountingHttpClient;
  scheduler: CountingScheduler;
  /** Unhandled rejections seen during the current test. */
  readonly unhandled: unknown[];
  /** Process warnings seen during the current test (a TimeoutOverflowWarning is a failure). */
  readonly warnings: Error[];
  /** A fresh pipeline with the pipeline's retries kept short. */
  pipeline(options?: Parameters<typeof createPipelineFromOptions>[0]): Pipeline;
  /** The options every test starts from: counted client and scheduler, short timings. */
  options<T = unknown>(overrides?: BeginLroOptions<T>): BeginLroOptions<T>;
  /** A PUT creating a new widget (`size: 7`), in beginLro's request shape (http on loopback). */
  put(query?: Record<string, string | number>, server?: ArmServer): PutRequest;
  /**
   * Asserts that a run ended where the server's own record says the operation ended: the
   * operation is terminal, a poll told the client so, and the last state has that status.
   */
  expectTrueEnd(outcome: Run, operationId: string, server?: ArmServer): void;
  /**
   * Asserts that a run came through its faults: no error, the operation's true end (see
   * `expectTrueEnd`), and the created widget as the result. Returns the operation's id.
   */
  expectCreated(outcome: Run, request: PutRequest): string;
  /**
   * Removes every fault, resumes from `token` with the same counted client and scheduler, and
   * asserts the resumed stream reaches the operation's true end (see `expectTrueEnd`).
   */
  resumeToEnd(token: string | undefined, operationId: string, overrides?: BeginLroOptions, server?: ArmServer): Promise<Run>;
}

/** A PUT request, with the widget's name. */
export interface PutRequest {
  readonly url: string;
  readonly method: "PUT";
  readonly allowInsecureConnection: true;
  readonly json: unknown;
  readonly name: string;
}

/** Whether a status-resource answer says the operation is still running. */
export function saysRunning(response: ArmResponse): boolean {
  const status = (response.body as { status?: unknown } | undefined)?.status;
  return status !== "Succeeded" && status !== "Failed" && status !== "Canceled";
}

/**
 * The answer to a status poll, made to say "InProgress" if the operation has already ended: for
 * the polls a test needs to be running before its fault strikes, however slow the machine (the
 * operation's true end is served later, untouched).
 */
export function stillRunning(response: ArmResponse): ArmResponse | undefined {
  if (saysRunning(response)) return undefined;
  const body = response.body as Record<string, unknown>;
  const { endTime: _endTime, error: _error, ...running } = body;
  return { ...response, headers: { ...response.headers, "retry-after-ms": String(serverRetryAfterInMs) }, body: { ...running, status: "InProgress", percentComplete: 99 } };
}

/** What the final GET of a PUT returns once the creation has succeeded. */
export const createdWidget = (name: string) => ({ name, properties: { size: 7, provisioningState: "Succeeded" } });

/** Installs the suite's hooks for one spec file and returns its harness. */
export function useFaultHarness(serverOptions: ArmServerOptions = {}): FaultHarness {
  let counter = 0;
  const unhandled: unknown[] = [];
  const warnings: Error[] = [];
  const onRejection = (reason: unknown) => unhandled.push(reason);
  const onWarning = (warning: Error) => warnings.push(warning);

  const harness: FaultHarness = {
    server: undefined as unknown as ArmServer,
    client: new CountingHttpClient(),
    scheduler: new CountingScheduler(),
    unhandled,
    warnings,
    pipeline: (options = {}) =>
      createPipelineFromOptions({ retryOptions: { maxRetries: pipelineRetries, retryDelayInMs: 2, maxRetryDelayInMs: 4 }, ...options }),
    options<T = unknown>(overrides: BeginLroOptions<T> = {}): BeginLroOptions<T> {
      return {
        pipeline: harness.pipeline(),
        httpClient: harness.client,
        scheduler: harness.scheduler.asSchedulerLike,
        intervalInMs,
        retry: { maxRetries: lroRetries, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
        requestTimeoutInMs: 2000,
        maxDelayInMs: 1000,
        ...overrides,
      };
    },
    put(query = {}, server = harness.server) {
      const name = `f${++counter}`;
      return {
        url: server.resourceUrl(name, { query }),
        method: "PUT",
        allowInsecureConnection: true,
        json: { location: "westeurope", properties: { size: 7 } },
        name,
      };
    },
    expectTrueEnd(outcome, operationId, server = harness.server) {
      const snapshot = server.operation(operationId);
      expect(snapshot?.terminal, "the operation is over on the server").toBe(true);
      expect(snapshot?.terminalServedAt, "a poll told the client it was over").toBeDefined();
      expect(outcome.states.at(-1)?.status).toBe(statusFromWord(snapshot!.status));
    },
    expectCreated(outcome, request) {
      expect(outcome.error).toBeUndefined();
      const id = outcome.operationId!;
      harness.expectTrueEnd(outcome, id);
      expect(outcome.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
      return id;
    },
    async resumeToEnd(token, operationId, overrides = {}, server = harness.server) {
      expect(token, "the error carries a continuation token").toEqual(expect.any(String));
      server.setHooks(undefined);
      const resumed = await run(resumeLro(token!, { allowedHosts: [new URL(server.url).host], ...harness.options(overrides) }));
      expect(resumed.error).toBeUndefined();
      harness.expectTrueEnd(resumed, operationId, server);
      return resumed;
    },
  };

  beforeAll(async () => {
    harness.server = await startArmServer({
      duration: operationDurationInMs,
      retryAfter: null,
      retryAfterMs: serverRetryAfterInMs,
      ...serverOptions,
    });
    process.on("unhandledRejection", onRejection);
    process.on("warning", onWarning);
  });

  afterAll(async () => {
    process.off("unhandledRejection", onRejection);
    process.off("warning", onWarning);
    await harness.server.close();
  });

  beforeEach(() => {
    harness.client = new CountingHttpClient();
    harness.scheduler = new CountingScheduler();
    harness.server.setHooks(undefined);
    unhandled.length = 0;
    warnings.length = 0;
  });

  afterEach(async () => {
    harness.server.setHooks(undefined);
    // Teardown of a finished stream is synchronous; a short settle covers transports that
    // report an abort a tick late.
    await vi.waitFor(
      () => {
        expect(harness.client.inFlight, "requests in flight after the test").toBe(0);
        expect(harness.scheduler.pending, "timers pending after the test").toBe(0);
      },
      { timeout: 1000, interval: 5 },
    );
    // Let a rejection that nobody handled surface (Node reports them after a macrotask).
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(unhandled, "unhandled rejections").toEqual([]);
    expect(warnings.filter((warning) => warning.name === "TimeoutOverflowWarning"), "timer overflow warnings").toEqual([]);
    expect(harness.scheduler.delays.every((delay) => Number.isFinite(delay) && delay >= 0 && delay <= 2 ** 31 - 1)).toBe(true);
  });

  return harness;
}
