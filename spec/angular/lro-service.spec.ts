// @vitest-environment happy-dom
import "./support/test-bed.js";
import { HttpClient, provideHttpClient, withInterceptors } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting } from "@angular/common/http/testing";
import { TestBed } from "@angular/core/testing";
import { createEmptyPipeline } from "@azure/core-rest-pipeline";
import { lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { LroService, provideRxLro, withPersistence, withPipeline, type RxLroFeature } from "../../lib/angular/index.js";
import { monitorUrl, nextRequest, serveArmPut, until, widgetUrl } from "./support/arm.js";

function setup(...features: RxLroFeature[]) {
  const seen: string[] = [];
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(withInterceptors([(request, next) => (seen.push(`${request.method} ${request.urlWithParams}`), next(request))])),
      provideHttpClientTesting(),
      provideRxLro({ defaults: { intervalInMs: 0 } }, ...features),
    ],
  });
  return { lro: TestBed.inject(LroService), controller: TestBed.inject(HttpTestingController), seen };
}

describe("LroService", () => {
  it("tracks an operation on the hub: every request passes the app's interceptors, and a drawer and a page share one loop", async () => {
    const { lro, controller, seen } = setup();
    const page = lastValueFrom(lro.track<{ id: string }>({ url: widgetUrl(), method: "PUT", json: { color: "blue" } }, { label: "Create w" }).pipe(toArray()));
    const served = serveArmPut(controller, { statuses: ["Running", "Running", "Succeeded"] });
    // The drawer joins through the operations signal once the first response is in.
    const drawer = (async () => {
      while (lro.operations().length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      const [entry] = lro.operations();
      expect(entry).toMatchObject({ label: "Create w", id: lro.hub.idOf(entry!.state) });
      return lastValueFrom(lro.watch(entry!.state).pipe(toArray()));
    })();
    await served;
    const [pageStates, drawerStates] = await Promise.all([page, drawer]);

    expect(seen).toEqual([`PUT ${widgetUrl()}`, `GET ${monitorUrl()}`, `GET ${monitorUrl()}`, `GET ${monitorUrl()}`, `GET ${widgetUrl()}`]);
    expect(pageStates.map((state) => state.status)).toEqual(["running", "running", "running", "succeeded"]);
    expect(pageStates.at(-1)!.result).toEqual({ id: "w", color: "blue" });
    expect(drawerStates.at(-1)).toBe(pageStates.at(-1));
    controller.verify();
    await until(() => lro.operations()[0]?.state.status === "succeeded");
    expect(lro.operations().map(({ state }) => state.status)).toEqual(["succeeded"]);
    expect(lro.summary()).toMatchObject({ succeeded: 1, running: 0, total: 1 });
  });

  it("begins an operation in a loop of its own with the app's defaults, and cancels Angular's request on unsubscribe", async () => {
    const { lro, controller } = setup();
    const states: string[] = [];
    const subscription = lro.begin({ url: widgetUrl(), method: "PUT" }).subscribe((state) => states.push(state.status));
    (await nextRequest(controller, "PUT", widgetUrl())).flush("", { status: 201, statusText: "Created", headers: { "azure-asyncoperation": monitorUrl(), "retry-after": "0" } });
    const poll = await nextRequest(controller, "GET", monitorUrl());
    subscription.unsubscribe();
    expect(poll.cancelled).toBe(true);
    expect(states).toEqual(["running"]);
    expect(lro.operations()).toEqual([]);
    controller.verify();
  });

  it("checks its input at the call", () => {
    const { lro } = setup();
    expect(() => lro.resume(null as never)).toThrowError("Expected `token` to be a continuation token (a string), got null");
    expect(() => lro.resume("not a token")).toThrow(TypeError);
    expect(() => lro.track({ url: widgetUrl(), method: "PUT" }, { label: 3 as never })).toThrowError("Expected `label` to be a string, got number");
  });

  it("sends through a core-rest-pipeline pipeline and client instead with withPipeline", async () => {
    const sent: string[] = [];
    const { lro, seen } = setup(
      withPipeline(createEmptyPipeline(), {
        sendRequest: async (request) => (sent.push(`${request.method} ${request.url}`), { request, status: 200, headers: request.headers, bodyAsText: '{"provisioningState":"Succeeded"}' }),
      }),
    );
    const states = await lastValueFrom(lro.begin({ url: widgetUrl(), method: "PUT" }).pipe(toArray()));
    expect(states.map((state) => state.status)).toEqual(["succeeded"]);
    expect(sent).toEqual([`PUT ${widgetUrl()}`]);
    expect(seen).toEqual([]);
  });
});

describe("provideRxLro", () => {
  it("refuses bad options and features with a TypeError naming them", () => {
    expect(() => provideRxLro({ defaults: { intervalInMs: -1 } })).toThrowError("Expected `intervalInMs` to be a non-negative number of milliseconds, got -1 (number)");
    expect(() => provideRxLro({ hub: { maxConcurrentPolls: 0 } })).toThrowError("Expected `maxConcurrentPolls` to be a positive integer");
    expect(() => provideRxLro({}, withPipeline(createEmptyPipeline()), withPipeline(createEmptyPipeline()))).toThrowError("Expected at most one transport feature in provideRxLro, got 2");
    expect(() => provideRxLro({}, {} as never)).toThrowError("Expected feature 1 of provideRxLro to come from withAngularHttpClient(), withPipeline() or withPersistence()");
    expect(() => withPipeline({} as never)).toThrow(TypeError);
    expect(() => withPersistence({} as never)).toThrowError("Expected `storage` to be a Storage (getItem, setItem, removeItem) or a function returning one");
  });

  it("leaves LroService unprovided without it", () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient()] });
    expect(() => TestBed.inject(LroService)).toThrow(/No provider/);
    expect(TestBed.inject(HttpClient)).toBeDefined();
  });
});
