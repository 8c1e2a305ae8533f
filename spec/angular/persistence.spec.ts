// @vitest-environment happy-dom
import "./support/test-bed.js";
import { provideHttpClient } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { describe, expect, it } from "vitest";
import { encodeContinuationToken } from "../../lib/continuation-token.js";
import { LroService, provideRxLro, withPersistence, type LroTokenStorage } from "../../lib/angular/index.js";
import { monitorUrl, nextRequest, origin, until, widgetUrl } from "./support/arm.js";

class MemoryStorage implements LroTokenStorage {
  readonly items = new Map<string, string>();
  readonly writes: string[] = [];
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.writes.push(`set ${key}`);
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.writes.push(`remove ${key}`);
    this.items.delete(key);
  }
}

const key = "rx-lro:operations";
const stored = (storage: MemoryStorage) => JSON.parse(storage.getItem(key) ?? "[]") as { token: string; label?: string }[];

// The app vouches for its service's host (it is no built-in Azure host): resumed tokens may lead there.
function start(storage: MemoryStorage, allowedHosts: readonly string[] = [new URL(origin).host]) {
  TestBed.resetTestingModule();
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRxLro({ defaults: { intervalInMs: 0 }, allowedHosts }, withPersistence(() => storage)),
    ],
  });
  return { lro: TestBed.inject(LroService), controller: TestBed.inject(HttpTestingController) };
}

describe("withPersistence", () => {
  it("keeps an unfinished operation's token while it runs, resumes it after a reload, and drops it once terminal", async () => {
    const storage = new MemoryStorage();
    const first = start(storage);
    const subscription = first.lro.track({ url: widgetUrl(), method: "PUT" }, { label: "Create w" }).subscribe();
    (await nextRequest(first.controller, "PUT", widgetUrl())).flush("", { status: 201, statusText: "Created", headers: { "azure-asyncoperation": monitorUrl(), "retry-after": "30" } });
    await until(() => storage.getItem(key) !== null);
    expect(stored(storage)).toEqual([{ token: first.lro.operations()[0]!.state.continuationToken, label: "Create w" }]);
    // The page goes away mid-operation (the poll is 30 s off).
    subscription.unsubscribe();

    const second = start(storage);
    expect(second.lro.restore()).toEqual({ resumed: 1, dropped: [] });
    expect(second.lro.restore()).toEqual({ resumed: 0, dropped: [] });
    // No new PUT: the restored operation goes straight to polling.
    (await nextRequest(second.controller, "GET", monitorUrl())).flush(JSON.stringify({ status: "Running", percentComplete: 70 }), { status: 200, statusText: "OK", headers: { "retry-after": "0" } });
    // Restored, it shows as running at once (what the token knows); the poll's answer brings 70 %.
    await until(() => second.lro.operations()[0]?.state.percentComplete === 70);
    expect(second.lro.operations()).toEqual([expect.objectContaining({ label: "Create w", state: expect.objectContaining({ status: "running", percentComplete: 70 }) })]);
    expect(stored(storage)).toHaveLength(1);
    (await nextRequest(second.controller, "GET", monitorUrl())).flush(JSON.stringify({ status: "Succeeded" }), { status: 200, statusText: "OK" });
    (await nextRequest(second.controller, "GET", widgetUrl())).flush(JSON.stringify({ id: "w" }), { status: 200, statusText: "OK" });
    await until(() => second.lro.operations()[0]?.state.status === "succeeded");
    await until(() => storage.getItem(key) === null);
    expect(storage.getItem(key)).toBeNull();
    expect(storage.writes.at(-1)).toBe(`remove ${key}`);
  });

  it("drops and reports a token naming a host the app does not allow, and a malformed one, sending nothing", async () => {
    const storage = new MemoryStorage();
    const forged = encodeContinuationToken({ strategy: "azureAsyncOperation", method: "PUT", requestUrl: "https://evil.example/widgets/w", pollingUrl: "https://evil.example/op", allowInsecureConnection: false });
    const good = encodeContinuationToken({ strategy: "azureAsyncOperation", method: "PUT", requestUrl: widgetUrl(), pollingUrl: monitorUrl(), allowInsecureConnection: false });
    storage.setItem(key, JSON.stringify([{ token: forged, label: "Forged" }, { token: "garbage" }, { token: good, label: "Good" }, { nonsense: 1 }]));
    const { lro, controller } = start(storage);

    const report = lro.restore();

    expect(report.resumed).toBe(1);
    expect(report.dropped.map(({ token, label, error }) => [token, label, error.name])).toEqual([
      [forged, "Forged", "LroUrlRejectedError"],
      ["garbage", undefined, "TypeError"],
    ]);
    await nextRequest(controller, "GET", monitorUrl());
    expect(controller.match(() => true)).toEqual([]);
    await until(() => lro.operations().length === 1);
    expect(stored(storage).map(({ label }) => label)).toEqual(["Good"]);
    expect(lro.operations().map(({ label }) => label)).toEqual(["Good"]);
  });

  it("under default options (no allowedHosts) resumes no token to a host that is not a built-in Azure one", async () => {
    const storage = new MemoryStorage();
    const local = encodeContinuationToken({ strategy: "azureAsyncOperation", method: "PUT", requestUrl: widgetUrl(), pollingUrl: monitorUrl(), allowInsecureConnection: false });
    storage.setItem(key, JSON.stringify([{ token: local }]));
    const { lro, controller } = start(storage, []);
    const report = lro.restore();
    expect(report.resumed).toBe(0);
    expect(report.dropped.map(({ error }) => error.name)).toEqual(["LroUrlRejectedError"]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.verify();
    expect(storage.getItem(key)).toBeNull();
  });

  it("ignores storage that does not hold a token list", () => {
    const storage = new MemoryStorage();
    storage.setItem(key, "{not json");
    const { lro } = start(storage);
    expect(lro.restore()).toEqual({ resumed: 0, dropped: [] });
  });

  it("stops polling restored operations when the app is destroyed", async () => {
    const storage = new MemoryStorage();
    const good = encodeContinuationToken({ strategy: "azureAsyncOperation", method: "PUT", requestUrl: widgetUrl(), pollingUrl: monitorUrl(), allowInsecureConnection: false });
    storage.setItem(key, JSON.stringify([{ token: good }]));
    const { lro, controller } = start(storage);
    lro.restore();
    const poll = await nextRequest(controller, "GET", monitorUrl());
    TestBed.resetTestingModule();
    expect(poll.cancelled).toBe(true);
    expect(stored(storage)).toHaveLength(1);
  });
});
