import { BehaviorSubject } from "rxjs";
import { describe, expect, it } from "vitest";
import { RequestGate } from "../../lib/hub/request-gate.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("RequestGate", () => {
  it("lets maxInFlight tasks run at once and starts the rest in arrival order", async () => {
    const gate = new RequestGate(2, undefined);
    const started: number[] = [];
    const tasks = [0, 1, 2, 3].map(() => deferred<string>());
    const results = tasks.map((task, n) => gate.run(() => (started.push(n), task.promise), undefined));

    expect(started).toEqual([0, 1]);
    expect([gate.inFlight, gate.queued]).toEqual([2, 2]);
    tasks[1]!.resolve("b");
    await tick();
    expect(started).toEqual([0, 1, 2]);
    tasks[0]!.resolve("a");
    tasks[2]!.resolve("c");
    await tick();
    tasks[3]!.resolve("d");
    expect(await Promise.all(results)).toEqual(["a", "b", "c", "d"]);
    expect([gate.inFlight, gate.queued]).toEqual([0, 0]);
  });

  it("drops a waiting task whose signal aborts, and never starts it", async () => {
    const gate = new RequestGate(1, undefined);
    const first = deferred<string>();
    const started: string[] = [];
    void gate.run(() => (started.push("first"), first.promise), undefined);
    const controller = new AbortController();
    const second = gate.run(() => (started.push("second"), Promise.resolve("x")), controller.signal);

    controller.abort();

    await expect(second).rejects.toMatchObject({ name: "AbortError" });
    expect(gate.queued).toBe(0);
    first.resolve("done");
    await tick();
    expect(started).toEqual(["first"]);
    await expect(gate.run(() => Promise.resolve(1), AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });

  it("starts nothing while paused", async () => {
    const paused$ = new BehaviorSubject(true);
    const gate = new RequestGate(3, paused$);
    let started = 0;
    const result = gate.run(async () => ++started, undefined);
    await tick();
    expect(started).toBe(0);

    paused$.next(false);

    expect(await result).toBe(1);
  });
});
