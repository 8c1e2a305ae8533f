// The fault suite's own instruments, checked, so that "no timer pending, no request in flight,
// nothing sent elsewhere" after each fault test is not vacuously true.
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { timer } from "rxjs";
import { describe, expect, it } from "vitest";
import { FencedRequestError, useFaultHarness } from "./support/harness.js";

const h = useFaultHarness();

describe("the counting scheduler", () => {
  it("counts a timer as pending from schedule until it runs or is cancelled, and records every delay", async () => {
    const scheduler = h.scheduler.asSchedulerLike;
    const fired = timer(20, scheduler).subscribe();
    const cancelled = timer(10_000, scheduler).subscribe();
    expect(h.scheduler.pending).toBe(2);
    cancelled.unsubscribe();
    expect(h.scheduler.pending).toBe(1);
    await expect.poll(() => h.scheduler.pending).toBe(0);
    expect(fired.closed).toBe(true);
    expect(h.scheduler.delays).toEqual([20, 10_000]);
  });

  it("follows an action that reschedules itself", async () => {
    let runs = 0;
    const action = h.scheduler.schedule(function (this: { schedule(state?: unknown, delay?: number): unknown }) {
      runs += 1;
      if (runs < 3) this.schedule(undefined, 5);
    }, 5);
    expect(h.scheduler.pending).toBe(1);
    await expect.poll(() => runs).toBe(3);
    expect(h.scheduler.pending).toBe(0);
    action.unsubscribe();
  });
});

describe("the counting HttpClient", () => {
  it("counts requests in flight to 127.0.0.1", async () => {
    let release: (() => void) | undefined;
    h.server.setHooks({ beforeHandle: () => new Promise((resolve) => (release = () => resolve({ status: 204 }))) });
    const sending = h.client.sendRequest(createPipelineRequest({ url: h.server.resourceUrl("x"), allowInsecureConnection: true }));
    // The server holds the request: it is in flight until answered.
    await expect.poll(() => release !== undefined).toBe(true);
    expect(h.client.inFlight).toBe(1);
    release!();
    expect((await sending).status).toBe(204);
    expect(h.client.inFlight).toBe(0);
    expect(h.client.sent).toEqual([expect.objectContaining({ method: "GET", url: h.server.resourceUrl("x"), fenced: false })]);
  });

  it("is a fence: a request to any other host is recorded and refused without being sent", async () => {
    await expect(h.client.sendRequest(createPipelineRequest({ url: "http://attacker.invalid:1/x", allowInsecureConnection: true }))).rejects.toThrow(
      FencedRequestError,
    );
    await expect(h.client.sendRequest(createPipelineRequest({ url: "http://127.0.0.2:1/x", allowInsecureConnection: true }))).rejects.toThrow(
      FencedRequestError,
    );
    expect(h.client.sent.map((sent) => sent.fenced)).toEqual([true, true]);
    expect(h.client.inFlight).toBe(0);
  });
});
