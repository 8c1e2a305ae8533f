import { asyncScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import { guardOperation } from "../../lib/engine/guard.js";
import { beginLro, LroAbortedError, LroTimeoutError } from "../../lib/index.js";
import { releasesWhatMadeItsSource } from "../support/collect-garbage.js";
import { virtualService } from "../support/fake-service.js";
import { advance, advanceTo, record, runToEnd } from "../support/virtual-time.js";

const url = "https://example.com/widgets/w?api-version=1";
const monitor = "https://example.com/operations/1";

function setup() {
  const { scheduler, service } = virtualService();
  service.on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor, "retry-after": "10" } }).on("GET", monitor, { status: 200, headers: { "retry-after": "10" }, body: { status: "Running" } });
  return { scheduler, service };
}

describe("timeoutInMs and abortSignal", () => {
  it("errors with LroTimeoutError at the deadline, carrying the last state, and stops polling", async () => {
    const { scheduler, service } = setup();

    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, timeoutInMs: 25_000 }), scheduler);

    expect(service.log).toEqual([`PUT ${url} @0`, `GET ${monitor} @10000`, `GET ${monitor} @20000`]);
    expect(run.error).toBeInstanceOf(LroTimeoutError);
    expect(run.error).toMatchObject({ timeoutInMs: 25_000, state: run.values.at(-1), continuationToken: run.values.at(-1)!.continuationToken });
    expect(scheduler.now()).toBe(25_000);
    expect(scheduler.actions).toHaveLength(0);
  });

  it("errors with LroAbortedError when the signal fires, aborting the request in flight", async () => {
    const { scheduler, service } = setup();
    service.on("GET", monitor, { status: 200, hang: true });
    const controller = new AbortController();

    const run = record(beginLro({ url, method: "PUT" }, { ...service.options, abortSignal: controller.signal }), scheduler);
    await advance(scheduler, () => service.requests.length === 2);
    controller.abort(new Error("user navigated away"));

    expect(run.error).toBeInstanceOf(LroAbortedError);
    expect((run.error as LroAbortedError).cause).toMatchObject({ message: "user navigated away" });
    expect((run.error as LroAbortedError).state).toBe(run.values[0]);
    expect(service.requests[1]!.aborted()).toBe(true);
    await advanceTo(scheduler, 100_000);
    expect(service.requests).toHaveLength(2);
  });

  it("sends nothing when the signal has already fired", async () => {
    const { scheduler, service } = setup();
    const run = await runToEnd(beginLro({ url, method: "PUT" }, { ...service.options, abortSignal: AbortSignal.abort() }), scheduler);

    expect(run.error).toBeInstanceOf(LroAbortedError);
    expect(service.requests).toHaveLength(0);
  });

  it("does not keep its source while the operation runs (and with it what made the operation)", async () => {
    expect(await releasesWhatMadeItsSource(guardOperation<unknown>({ timeoutInMs: 60_000, abortSignal: new AbortController().signal, scheduler: asyncScheduler }))).toBe(true);
  });
});
