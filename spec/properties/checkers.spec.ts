/**
 * The invariant checkers, shown able to fail: each is run on a deliberately broken stream (and on
 * a well-behaved twin where that makes sense), so a property that passes means something.
 */
import { createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { defer, from, map, mergeMap, NEVER, Observable, of, concat, throwError, timer, interval } from "rxjs";
import { describe, expect, it } from "vitest";
import { LroTimeoutError, type LroState } from "../../lib/index.js";
import type { FakeReply } from "../support/fake-service.js";
import { urls } from "./support/arbitraries.js";
import { createWorld, runStream, type RunRecord, type World } from "./support/harness.js";
import {
  checkEnds,
  checkNothingAfterEnd,
  checkNothingLeft,
  checkRequestsStayHome,
  checkResumedLikeOriginal,
  checkRun,
  checkStatusSequence,
  checkTiming,
} from "./support/invariants.js";
import type { Timing } from "./support/oracle.js";

const timing: Timing = { intervalInMs: 1000, maxDelayInMs: 10_000, timeoutInMs: 60_000, requestTimeoutInMs: 3000, maxRetries: 2, retryDelayInMs: 1000 };

function state(status: LroState["status"], extra: Partial<LroState> = {}): LroState {
  const terminal = status === "succeeded" || status === "failed" || status === "canceled";
  return { status, providerStatus: status, strategy: "azureAsyncOperation", pollCount: 0, continuationToken: "token", ...(terminal ? {} : { nextPollInMs: 1000 }), ...extra } as LroState;
}

const routes = new Map<string, readonly FakeReply[]>([
  [`PUT ${urls.R}`, [{ status: 202, headers: { "Azure-AsyncOperation": urls.A, "Retry-After": "5" } }]],
  [`GET ${urls.A}`, [{ status: 503 }, { status: 200, body: { status: "Succeeded" } }]],
  [`GET ${urls.O}`, [{ status: 200, hang: true }]],
]);

/** Sends one request through the world's fake, as the library would. */
function send(world: World, method: string, url: string): Observable<PipelineResponse> {
  return defer(() => from(world.service.sendRequest(createPipelineRequest({ url, method: method as "GET" }))));
}

/** A hand-made stream: PUT, a running state from its response (Retry-After 5), then `then`. */
function afterPut(world: World, then: (response: PipelineResponse) => Observable<LroState>): Observable<LroState> {
  return send(world, "PUT", urls.R).pipe(
    mergeMap((response) =>
      concat(of(state("running", { rawResponse: response, httpStatus: response.status, nextPollInMs: 5000, pollingUrl: urls.A })), then(response)),
    ),
  );
}

async function run(make: (world: World) => Observable<LroState>, settings: Parameters<typeof runStream>[2] = {}): Promise<RunRecord> {
  const world = createWorld(routes);
  return runStream(world, () => make(world), settings);
}

const context = { timing, routes, firstRequest: "initial" as const };

describe("the invariant checkers catch broken streams", () => {
  it("1: a raw TypeError, an unhandled rejection, a stream that never ends, a spinning one, a timeout off its deadline", async () => {
    expect(checkEnds(await run(() => throwError(() => new TypeError("boom"))), timing).join()).toMatch(/errored with TypeError/);
    const rejecting = await run(() =>
      defer(() => {
        void Promise.reject(new Error("lost"));
        return of(state("succeeded"));
      }),
    );
    expect(checkEnds(rejecting, timing).join()).toMatch(/unhandled rejection: Error: lost/);
    expect(checkEnds(await run(() => NEVER), timing).join()).toMatch(/did not end properly: stuck/);
    const spinning = await run((world) => interval(1, world.scheduler).pipe(map(() => state("running"))), { maxSteps: 50 });
    expect(checkEnds(spinning, timing).join()).toMatch(/did not end properly: spinning/);
    const early = await run((world) => timer(10, world.scheduler).pipe(mergeMap(() => throwError(() => new LroTimeoutError(60_000, undefined)))));
    expect(checkEnds(early, timing).join()).toMatch(/LroTimeoutError @10, not at the deadline @60000/);
    const wrongState = await run(() => concat(of(state("running")), throwError(() => new LroTimeoutError(60_000, state("running")))));
    expect(checkEnds(wrongState, { timeoutInMs: 1e9 }).join()).toMatch(/does not carry the last state/);
    expect(checkEnds(await run(() => of(state("succeeded"))), timing)).toEqual([]);
  });

  it("2: a notification after complete, a request after the end", async () => {
    const late = await run(
      () =>
        new Observable<LroState>((subscriber) => {
          subscriber.next(state("succeeded"));
          subscriber.complete();
          subscriber.next(state("running"));
          subscriber.error(new Error("late"));
        }),
    );
    expect(checkNothingAfterEnd(late)).toEqual(["2: notifications after the end: N, E"]);
    const straggler = await run(
      (world) =>
        new Observable<LroState>((subscriber) => {
          subscriber.next(state("succeeded"));
          subscriber.complete();
          world.scheduler.schedule(() => void world.service.sendRequest(createPipelineRequest({ url: urls.A, method: "GET" })), 100);
        }),
    );
    expect(checkNothingAfterEnd(straggler).join()).toMatch(/request\(s\) after the end \(complete @0\): GET .*a1.* @100/);
  });

  it("3: running after a terminal state, completing on a running one, erroring after a terminal one, percentComplete out of range", async () => {
    expect(checkStatusSequence(await run(() => of(state("failed"), state("running")))).join()).toMatch(/terminal state 0 \(failed\) is not the last/);
    expect(checkStatusSequence(await run(() => of(state("running")))).join()).toMatch(/completed after a running state/);
    expect(checkStatusSequence(await run(() => concat(of(state("canceled")), throwError(() => new Error("x"))))).join()).toMatch(/errored after a terminal state/);
    expect(checkStatusSequence(await run(() => of(state("running", { percentComplete: 120 }), state("succeeded")))).join()).toMatch(/percentComplete 120/);
    expect(checkStatusSequence(await run(() => of(state("notStarted"), state("running"), state("succeeded"))))).toEqual([]);
  });

  it("4: a poll before its Retry-After, a retry before its backoff, a late poll; the exact schedule passes", async () => {
    const poll = (world: World, delay: number) => () => timer(delay, world.scheduler).pipe(mergeMap(() => send(world, "GET", urls.A)), map(() => state("succeeded")));
    // The 503 is retried after retryDelayInMs (1000), then the 200 succeeds.
    const onTime = await run((world) => afterPut(world, () => timer(5000, world.scheduler).pipe(mergeMap(() => send(world, "GET", urls.A)), mergeMap(() => timer(1000, world.scheduler)), mergeMap(() => send(world, "GET", urls.A)), map(() => state("succeeded", { httpStatus: 200, pollCount: 1 })))));
    expect(checkTiming(onTime, context)).toEqual([]);
    const early = await run((world) => afterPut(world, poll(world, 1000)));
    expect(checkTiming(early, context).join()).toMatch(/GET .*a1.* @1000\) after request 0 .*: polled before its delay \(due @5000\)/);
    const late = await run((world) => afterPut(world, poll(world, 7000)));
    expect(checkTiming(late, context).join()).toMatch(/polled late \(due @5000\)/);
    const eagerRetry = await run((world) => afterPut(world, () => timer(5000, world.scheduler).pipe(mergeMap(() => send(world, "GET", urls.A)), mergeMap(() => send(world, "GET", urls.A)), map(() => state("succeeded")))));
    expect(checkTiming(eagerRetry, context).join()).toMatch(/retried before its backoff \(due @6000, retry 1\)/);
    // A GET that follows a poll without a state in between must be the final GET of a success.
    const strayGet = await run((world) => afterPut(world, () => timer(5000, world.scheduler).pipe(mergeMap(() => send(world, "GET", urls.A)), mergeMap(() => timer(1000, world.scheduler)), mergeMap(() => send(world, "GET", urls.A)), mergeMap(() => send(world, "GET", urls.RL)), map(() => state("failed", { httpStatus: 404 })))));
    expect(checkTiming(strayGet, context).join()).toMatch(/a final GET followed by a failed state/);
    const wrongDelay = await run((world) => afterPut(world, () => of(state("succeeded"))).pipe(map((s) => (s.status === "running" ? { ...s, nextPollInMs: 0 } : s))));
    expect(checkTiming(wrongDelay, context).join()).toMatch(/says nextPollInMs 0, its response asks for 5000/);
  });

  it("5: a timer left scheduled, a request left in flight", async () => {
    const timerLeft = await run((world) => defer(() => (world.scheduler.schedule(() => undefined, 5000), of(state("succeeded")))));
    expect(checkNothingLeft(timerLeft)).toEqual(["5: 1 timer(s) left scheduled after the end (complete)"]);
    const inFlight = await run((world) => defer(() => (void world.service.sendRequest(createPipelineRequest({ url: urls.O, method: "GET" })), of(state("succeeded")))));
    expect(checkNothingLeft(inFlight)).toEqual(["5: 1 request(s) left in flight after the end (complete)"]);
  });

  it("7: after unsubscribing, a stream that goes on polling is caught", async () => {
    const deaf = await run(
      (world) =>
        new Observable<LroState>((subscriber) => {
          subscriber.next(state("running"));
          world.scheduler.schedule(() => void world.service.sendRequest(createPipelineRequest({ url: urls.A, method: "GET" })), 1000);
          return () => undefined; // ignores the unsubscribe
        }),
      { unsubscribe: { kind: "onState", n: 1 } },
    );
    expect(deaf.end).toBe("unsubscribed");
    const violations = checkRun(deaf, context, { allowUnsubscribed: true }).join("\n");
    expect(violations).toMatch(/5: 1 timer\(s\) left scheduled after the end \(unsubscribed\)/);
    expect(violations).toMatch(/2: request\(s\) after the end \(unsubscribed @0\): GET .*a1.* @1000/);
  });

  it("8: a request off the initial request's host", async () => {
    const leak = await run((world) => send(world, "GET", "https://evil.example.net/x").pipe(map(() => state("succeeded"))));
    expect(checkRequestsStayHome(leak)).toEqual(["8: sent GET https://evil.example.net/x, off https://management.example.com"]);
  });

  it("6: a resumed run that ends otherwise, or replays other traffic, is caught", async () => {
    const original = await run((world) => afterPut(world, () => timer(5000, world.scheduler).pipe(mergeMap(() => send(world, "GET", urls.A)), mergeMap(() => timer(1000, world.scheduler)), mergeMap(() => send(world, "GET", urls.A)), map(() => state("succeeded", { result: 1 })))));
    const k = original.events[0]!;
    if (k.kind !== "next") throw new Error("expected a state");
    const resumedRoutes = new Map([[`GET ${urls.A}`, [{ status: 503 }, { status: 200 }] as FakeReply[]]]);
    const replay = async (result: unknown, retryAfter: number) => {
      const world = createWorld(resumedRoutes, 5000);
      return runStream(world, () => send(world, "GET", urls.A).pipe(mergeMap(() => timer(retryAfter, world.scheduler)), mergeMap(() => send(world, "GET", urls.A)), map(() => state("succeeded", { result }))));
    };
    expect(checkResumedLikeOriginal(original, k, await replay(1, 1000))).toEqual([]);
    expect(checkResumedLikeOriginal(original, k, await replay(2, 1000)).join()).toMatch(/6: outcome .*"result":2.* after resuming/);
    expect(checkResumedLikeOriginal(original, k, await replay(1, 10)).join()).toMatch(/6: resumed traffic .*@5010/);
  });
});
