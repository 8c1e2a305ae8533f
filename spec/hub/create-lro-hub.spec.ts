import { BehaviorSubject } from "rxjs";
import { describe, expect, it } from "vitest";
import { beginLro, createLroHub, type LroState, type LroSummary } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { advance, advanceTo, record, runToEnd } from "../support/virtual-time.js";

const origin = "https://management.example.com";
const monitor = (n: number) => `${origin}/operations/${n}`;
const target = (n: number) => ({ pollingUrl: monitor(n), method: "POST" as const });

function setup(hubOptions: Parameters<typeof createLroHub>[0] = {}) {
  const { scheduler, service } = virtualService();
  const hub = createLroHub({
    ...service.options,
    intervalInMs: 1000,
    intervalJitter: 0,
    pauseWhenHidden: false,
    allowedHosts: ["management.example.com"],
    ...hubOptions,
  });
  return { scheduler, service, hub };
}

const running = { status: 200, headers: { "retry-after": "1" }, body: { status: "Running" } };
const succeeded = { status: 200, body: { status: "Succeeded" } };

async function firstSnapshot(hub: ReturnType<typeof createLroHub>, scheduler: Parameters<typeof advance>[0]) {
  let snapshot: ReadonlyMap<string, LroState> | undefined;
  const subscription = hub.states$.subscribe((states) => (snapshot = states));
  await advance(scheduler, () => snapshot !== undefined);
  subscription.unsubscribe();
  return snapshot!;
}

describe("createLroHub", () => {
  it("shares one poll loop among all watchers of an operation", async () => {
    const { scheduler, service, hub } = setup();
    service.on("GET", monitor(1), running, running, succeeded);

    const a = record(hub.watch(target(1)), scheduler);
    const b = record(hub.watch(target(1)), scheduler);
    const c = record(hub.watch({ ...target(1) }), scheduler);
    await advance(scheduler, () => a.completed && b.completed && c.completed);

    expect(service.log).toEqual([`GET ${monitor(1)} @0`, `GET ${monitor(1)} @1000`, `GET ${monitor(1)} @2000`]);
    const statuses = (run: typeof a) => run.values.map((state) => state.status);
    // Until the first poll answers, what the target knows: the operation is running.
    expect(statuses(a)).toEqual(["running", "running", "running", "succeeded"]);
    expect(a.values[0]).toMatchObject({ providerStatus: "Running", pollCount: 0, nextPollInMs: 0 });
    expect(a.values[0]!.httpStatus).toBeUndefined();
    expect(statuses(b)).toEqual(statuses(a));
    expect(statuses(c)).toEqual(statuses(a));
  });

  it("gives a late subscriber the latest state at once, and a finished operation's terminal state without polling", async () => {
    const { scheduler, service, hub } = setup();
    service.on("GET", monitor(1), running, succeeded);
    const first = record(hub.watch(target(1)), scheduler);
    await advance(scheduler, () => first.values.length === 2);

    const late = record(hub.watch(target(1)), scheduler);
    expect(late.values).toEqual([first.values[1]]);

    await advance(scheduler, () => first.completed);
    const after = await runToEnd(hub.watch(target(1)), scheduler);
    expect(after.values.map((state) => state.status)).toEqual(["succeeded"]);
    expect(service.requests).toHaveLength(2);
  });

  it("stops the loop, aborting its request, when the last watcher leaves, and resumes no sooner than Retry-After", async () => {
    const { scheduler, service, hub } = setup();
    service.on("GET", monitor(1), { status: 200, headers: { "retry-after": "10" }, body: { status: "Running" } }, { status: 200, hang: true }, succeeded);
    const a = record(hub.watch(target(1)), scheduler);
    const b = record(hub.watch(target(1)), scheduler);
    await advance(scheduler, () => service.requests.length === 2);

    a.subscription.unsubscribe();
    expect(service.requests[1]!.aborted()).toBe(false);
    b.subscription.unsubscribe();
    expect(service.requests[1]!.aborted()).toBe(true);
    expect(scheduler.actions).toHaveLength(0);

    await advanceTo(scheduler, 10_500);
    const again = record(hub.watch(target(1)), scheduler);
    expect(again.values.map((state) => state.providerStatus)).toEqual(["Running"]);
    await advance(scheduler, () => again.completed);
    // The aborted poll was at 10000; the restarted loop owes nothing to Retry-After any more.
    expect(service.log.slice(2)).toEqual([`GET ${monitor(1)} @10500`]);
  });

  it("caps the requests in flight across operations and serves them in arrival order", async () => {
    const { scheduler, service, hub } = setup({ maxConcurrentPolls: 2 });
    for (const n of [1, 2, 3, 4, 5]) {
      service.on("GET", monitor(n), { ...running, headers: { "retry-after": "0" }, delayInMs: 100 }, { ...succeeded, delayInMs: 100 });
    }

    const runs = [1, 2, 3, 4, 5].map((n) => record(hub.watch(target(n)), scheduler));
    await advance(scheduler, () => runs.every((run) => run.completed));

    expect(service.maxInFlight).toBe(2);
    expect(runs.every((run) => run.values.at(-1)!.status === "succeeded")).toBe(true);
    // Fair: every operation's first poll is served before any operation's second.
    const order = service.requests.map((request) => Number(request.url.split("/").at(-1)));
    expect(order.slice(0, 5).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(order).toHaveLength(10);
    expect(hub.load).toEqual({ inFlight: 0, queued: 0 });
  });

  it("holds polls while paused and sends them the moment it resumes", async () => {
    const paused$ = new BehaviorSubject(true);
    const { scheduler, service, hub } = setup({ paused$ });
    service.on("GET", monitor(1), running, succeeded);
    const run = record(hub.watch(target(1)), scheduler);

    await advanceTo(scheduler, 60_000);
    expect(service.requests).toHaveLength(0);
    expect(hub.load.queued).toBe(1);

    paused$.next(false);
    await advance(scheduler, () => run.completed);
    expect(service.log).toEqual([`GET ${monitor(1)} @60000`, `GET ${monitor(1)} @61000`]);
  });

  it("jitters the fallback interval within its bounds, never a Retry-After", async () => {
    const { scheduler, service, hub } = setup({ intervalJitter: 0.2 });
    const ids = Array.from({ length: 40 }, (_, n) => n);
    for (const n of ids) service.on("GET", monitor(n), { status: 200, body: { status: "Running" } }, succeeded);
    for (const n of [100, 101]) service.on("GET", monitor(n), running, succeeded);

    const runs = [...ids, 100, 101].map((n) => record(hub.watch(target(n)), scheduler));
    await advance(scheduler, () => runs.every((run) => run.completed));

    const delays = ids.map((n) => runs[n]!.values[1]!.nextPollInMs!);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1200);
    expect(new Set(delays).size).toBeGreaterThan(5);
    expect([runs[40]!.values[1]!.nextPollInMs, runs[41]!.values[1]!.nextPollInMs]).toEqual([1000, 1000]);
  });

  it("publishes every watched operation in states$ and counts them in summary$", async () => {
    const { scheduler, service, hub } = setup();
    service.on("GET", monitor(1), succeeded).on("GET", monitor(2), { status: 200, body: { status: "Failed" } }).on("GET", monitor(3), running);
    const summaries: LroSummary[] = [];
    const maps: ReadonlyMap<string, LroState>[] = [];
    hub.summary$.subscribe((summary) => summaries.push(summary));
    hub.states$.subscribe((states) => maps.push(states));

    const runs = [1, 2, 3].map((n) => record(hub.watch(target(n)), scheduler));
    await advance(scheduler, () => runs[0]!.completed && runs[1]!.completed);
    await advanceTo(scheduler, scheduler.now() + 1);

    expect(summaries.at(-1)).toEqual({ notStarted: 0, running: 1, succeeded: 1, failed: 1, canceled: 0, total: 3 });
    expect([...maps.at(-1)!.keys()]).toEqual([`POST ${monitor(1)}`, `POST ${monitor(2)}`, `POST ${monitor(3)}`]);
    hub.forget(target(2));
    await advanceTo(scheduler, scheduler.now() + 1);
    expect(summaries.at(-1)!.total).toBe(2);
    runs[2]!.subscription.unsubscribe();
  });

  it("watches an operation begun elsewhere from its state, keeping its Retry-After", async () => {
    const { scheduler, service, hub } = setup();
    const url = `${origin}/widgets/w`;
    service.on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor(1), "retry-after": "5" } }).on("GET", monitor(1), succeeded).on("GET", url, { status: 200, body: { id: "w" } });
    const begun = record(beginLro({ url, method: "PUT" }, service.options), scheduler);
    await advance(scheduler, () => begun.values.length === 1);
    const initial = begun.values[0]!;
    begun.subscription.unsubscribe();

    const run = await runToEnd(hub.watch(initial), scheduler);

    expect(service.log).toEqual([`PUT ${url} @0`, `GET ${monitor(1)} @5000`, `GET ${url} @5000`]);
    expect(run.values.map((state) => state.status)).toEqual(["running", "succeeded"]);
    expect(run.values.at(-1)!.result).toEqual({ id: "w" });
  });

  it("shows a token's running operation as running until the first poll answers, and a finished one's end once", async () => {
    const { scheduler, service, hub } = setup();
    const url = `${origin}/widgets/w`;
    service
      .on("PUT", url, { status: 201, headers: { "azure-asyncoperation": monitor(1) } })
      .on("GET", monitor(1), { ...running, delayInMs: 500 }, succeeded)
      .on("GET", url, { status: 200, body: { id: "w" } });
    const begun = record(beginLro({ url, method: "PUT" }, service.options), scheduler);
    await advance(scheduler, () => begun.values.length === 1);
    const token = begun.values[0]!.continuationToken;
    begun.subscription.unsubscribe();

    const watched = record(hub.watch(token), scheduler);
    expect(watched.values.map((state) => [state.status, state.providerStatus, state.continuationToken])).toEqual([["running", "Running", token]]);
    await advanceTo(scheduler, 499);
    expect(watched.values).toHaveLength(1);
    await advance(scheduler, () => watched.completed);
    expect(watched.values.map((state) => state.status)).toEqual(["running", "running", "succeeded"]);

    // An operation that finished without polling: its token says how it ended, nothing is polled.
    service.on("POST", `${origin}/widgets/w/restart`, { status: 200, body: { restarted: true } });
    const done = await runToEnd(beginLro({ url: `${origin}/widgets/w/restart`, method: "POST" }, service.options), scheduler);
    const sent = service.requests.length;
    const finished = await runToEnd(hub.watch(done.values[0]!.continuationToken), scheduler);
    expect(finished.values.map((state) => state.status)).toEqual(["succeeded"]);
    expect(service.requests).toHaveLength(sent);
  });

  describe("begin", () => {
    const url = `${origin}/widgets/w`;
    const created = { status: 201, headers: { "azure-asyncoperation": monitor(1), "retry-after": "5" }, body: { provisioningState: "Accepted" } };

    it("sends the initial request on subscribe and shares one loop with every watcher from the first response on", async () => {
      const { scheduler, service, hub } = setup();
      service.on("PUT", url, created).on("GET", monitor(1), running, succeeded).on("GET", url, { status: 200, body: { id: "w" } });
      const detail = record(hub.begin({ url, method: "PUT", json: { n: 1 } }), scheduler);
      await advance(scheduler, () => detail.values.length === 1);
      // The drawer joins by the state it saw in states$; a second page joins by the token.
      const [id, listed] = [...(await firstSnapshot(hub, scheduler))][0]!;
      expect(id).toBe(hub.idOf(detail.values[0]!));
      const drawer = record(hub.watch(listed), scheduler);
      const page = record(hub.watch(listed.continuationToken), scheduler);
      await advance(scheduler, () => detail.completed && drawer.completed && page.completed);

      expect(service.log).toEqual([`PUT ${url} @0`, `GET ${monitor(1)} @5000`, `GET ${monitor(1)} @6000`, `GET ${url} @6000`]);
      expect(detail.values.map((state) => state.status)).toEqual(["running", "running", "succeeded"]);
      expect(drawer.values).toEqual(detail.values);
      expect(page.values).toEqual(detail.values);
      expect(detail.values.at(-1)!.result).toEqual({ id: "w" });
      expect(hub.idOf(detail.values.at(-1)!)).toBe(id);
    });

    it("is cold: each subscription sends its own initial request, and nothing is sent before", async () => {
      const { scheduler, service, hub } = setup();
      service.on("PUT", url, { status: 200, body: { provisioningState: "Succeeded", id: "w" } });
      const begun = hub.begin({ url, method: "PUT" });
      await advanceTo(scheduler, 100);
      expect(service.requests).toHaveLength(0);
      const first = await runToEnd(begun, scheduler);
      const second = await runToEnd(begun, scheduler);
      expect(service.log).toEqual([`PUT ${url} @100`, `PUT ${url} @100`]);
      expect(first.values.map((state) => state.status)).toEqual(["succeeded"]);
      expect(second.values.map((state) => state.status)).toEqual(["succeeded"]);
    });

    it("errors with the service's error on an initial 4xx, and lists nothing", async () => {
      const { scheduler, service, hub } = setup();
      service.on("PUT", url, { status: 400, body: { error: { code: "InvalidName", message: "The name is invalid." } } });
      const run = await runToEnd(hub.begin({ url, method: "PUT" }), scheduler);
      expect(run.error).toMatchObject({ name: "LroBadStatusError", httpStatus: 400, error: { code: "InvalidName" } });
      expect((await firstSnapshot(hub, scheduler)).size).toBe(0);
    });

    it("polls under the hub's budget, and stops polling (never the operation) when the last watcher leaves", async () => {
      const { scheduler, service, hub } = setup({ maxConcurrentPolls: 1 });
      service.on("PUT", url, created).on("GET", monitor(1), { status: 200, hang: true });
      const begun = record(hub.begin({ url, method: "PUT" }), scheduler);
      await advance(scheduler, () => service.requests.length === 2);
      expect(hub.load).toEqual({ inFlight: 1, queued: 0 });
      begun.subscription.unsubscribe();
      expect(service.requests[1]!.aborted()).toBe(true);
      expect(scheduler.actions).toHaveLength(0);
      expect(service.requests.filter((request) => request.method === "DELETE")).toEqual([]);
    });

    it("follows its own operation's host even when allowedHosts does not list it (its token is not outside input)", async () => {
      const { scheduler, service, hub } = setup({ allowedHosts: ["elsewhere.example"] });
      service.on("PUT", url, created).on("GET", monitor(1), succeeded).on("GET", url, { status: 200, body: { id: "w" } });
      const begun = record(hub.begin({ url, method: "PUT" }), scheduler);
      await advance(scheduler, () => begun.values.length === 1);
      // Its own token joins it: the hub began it.
      const joined = record(hub.watch(begun.values[0]!.continuationToken), scheduler);
      await advance(scheduler, () => begun.completed && joined.completed);
      expect(begun.values.map((state) => state.status)).toEqual(["running", "succeeded"]);
      expect(joined.values).toEqual(begun.values);
      // A token from outside naming the same host (another operation) is still refused, at the call.
      expect(() => hub.watch({ pollingUrl: `${origin}/operations/2`, method: "PUT", requestUrl: `${origin}/widgets/v` })).toThrow(
        expect.objectContaining({ name: "LroUrlRejectedError" }),
      );
      expect(service.log).toEqual([`PUT ${url} @0`, `GET ${monitor(1)} @5000`, `GET ${url} @5000`]);
    });
  });

  it("refuses a bad maxConcurrentPolls", () => {
    expect(() => createLroHub({ maxConcurrentPolls: 0 })).toThrowError("Expected `maxConcurrentPolls` to be a positive integer, got 0 (number)");
  });
});
