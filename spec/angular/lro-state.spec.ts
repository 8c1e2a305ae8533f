// @vitest-environment happy-dom
import "./support/test-bed.js";
import { provideHttpClient } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting } from "@angular/common/http/testing";
import { Component, createEnvironmentInjector, EnvironmentInjector, inject, signal } from "@angular/core";
import { TestBed } from "@angular/core/testing";
import type { LroRequest } from "rx-lro";
import { Subject, throwError } from "rxjs";
import { describe, expect, it } from "vitest";
import { LroService, lroState, provideRxLro } from "../../lib/angular/index.js";
import { monitorUrl, nextRequest, serveArmPut, until, widgetUrl } from "./support/arm.js";

function setup() {
  TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), provideRxLro({ defaults: { intervalInMs: 0 } })] });
  return { lro: TestBed.inject(LroService), controller: TestBed.inject(HttpTestingController) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("lroState", () => {
  it("shows each state, then the terminal one, with the service's message for a failed operation", async () => {
    const { lro, controller } = setup();
    const view = TestBed.runInInjectionContext(() => lroState(lro.track({ url: widgetUrl(), method: "PUT" })));
    expect(view()).toEqual({ status: "idle", state: undefined, error: undefined, errorMessage: undefined });
    const seen: string[] = [];
    const served = serveArmPut(controller, { statuses: ["Running", "Failed"], error: { code: "QuotaExceeded", message: "No quota left." } });
    while (view().status !== "failed") {
      if (seen.at(-1) !== view().status) seen.push(view().status);
      await settle();
    }
    await served;
    expect(seen).toEqual(["idle", "running"]);
    expect(view()).toMatchObject({ status: "failed", error: undefined, errorMessage: "No quota left." });
  });

  it("turns an initial 4xx into a value with the service's message: reading it never throws", async () => {
    const { lro, controller } = setup();
    const view = TestBed.runInInjectionContext(() => lroState(lro.begin({ url: widgetUrl("Bad_Name!"), method: "PUT" })));
    (await nextRequest(controller, "PUT", widgetUrl("Bad_Name!"))).flush(JSON.stringify({ error: { code: "InvalidResourceName", message: "The name Bad_Name! is invalid." } }), { status: 400, statusText: "Bad Request" });
    await until(() => view().status !== "idle");
    expect(() => view()).not.toThrow();
    expect(view()).toMatchObject({ status: "error", state: undefined, errorMessage: "The name Bad_Name! is invalid." });
    expect(view().error).toMatchObject({ name: "LroBadStatusError", httpStatus: 400 });
  });

  it("keeps the last state beside an error, and shows a canceled operation's message", async () => {
    const { lro, controller } = setup();
    const errored = TestBed.runInInjectionContext(() => lroState(throwError(() => new Error("boom"))));
    expect(errored()).toMatchObject({ status: "error", errorMessage: "boom" });
    const view = TestBed.runInInjectionContext(() => lroState(lro.track({ url: widgetUrl(), method: "PUT" })));
    await serveArmPut(controller, { statuses: ["Canceled"] });
    await until(() => view().status === "canceled");
    expect(view()).toMatchObject({ status: "canceled", errorMessage: "The operation was canceled (Canceled)." });
  });

  it("follows a reactive source: a new value unsubscribes the previous operation (its request cancelled) and follows the new one", async () => {
    const { lro, controller } = setup();
    const request = signal<LroRequest | undefined>(undefined);
    const view = TestBed.runInInjectionContext(() =>
      lroState(() => {
        const current = request();
        return current && lro.track(current);
      }),
    );
    TestBed.tick();
    expect(view().status).toBe("idle");
    request.set({ url: widgetUrl("a"), method: "PUT" });
    TestBed.tick();
    const first = await nextRequest(controller, "PUT", widgetUrl("a"));
    request.set({ url: widgetUrl("b"), method: "PUT" });
    TestBed.tick();
    expect(first.cancelled).toBe(true);
    expect(view().status).toBe("idle");
    await serveArmPut(controller, { name: "b", statuses: ["Succeeded"] });
    await until(() => view().status === "succeeded");
    expect(view()).toMatchObject({ status: "succeeded", state: { result: { id: "b", color: "blue" } } });
    request.set(undefined);
    TestBed.tick();
    expect(view().status).toBe("idle");
    controller.verify();
  });

  it("shows a source function that throws as an error value", () => {
    setup();
    const view = TestBed.runInInjectionContext(() =>
      lroState(() => {
        throw new TypeError("Expected `token` to be a continuation token (a string), got null");
      }),
    );
    TestBed.tick();
    expect(view()).toMatchObject({ status: "error", errorMessage: "Expected `token` to be a continuation token (a string), got null" });
  });

  it("unsubscribes when its component is destroyed (the poll in flight is cancelled)", async () => {
    const { controller } = setup();
    const Widget = Component({ selector: "app-widget", template: "{{ view().status }} {{ view().state?.percentComplete }}" })(
      class {
        readonly view = lroState(inject(LroService).track({ url: widgetUrl(), method: "PUT" }));
      },
    );
    const fixture = TestBed.createComponent(Widget);
    fixture.autoDetectChanges();
    (await nextRequest(controller, "PUT", widgetUrl())).flush("", { status: 201, statusText: "Created", headers: { "azure-asyncoperation": monitorUrl(), "retry-after": "0" } });
    (await nextRequest(controller, "GET", monitorUrl())).flush(JSON.stringify({ status: "Running", percentComplete: 40 }), { status: 200, statusText: "OK" });
    const poll = await nextRequest(controller, "GET", monitorUrl());
    await until(() => (fixture.nativeElement as HTMLElement).textContent === "running 40");
    expect((fixture.nativeElement as HTMLElement).textContent).toBe("running 40");
    fixture.destroy();
    expect(poll.cancelled).toBe(true);
    await settle();
    controller.verify();
  });

  it("uses options.injector outside an injection context, and ends with its DestroyRef", () => {
    setup();
    const child = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    const source = new Subject<never>();
    lroState(source, { injector: child });
    expect(source.observed).toBe(true);
    child.destroy();
    expect(source.observed).toBe(false);
    expect(() => lroState(source)).toThrow(/NG0203|injection context/);
    expect(() => TestBed.runInInjectionContext(() => lroState(42 as never))).toThrowError("Expected `source` to be an Observable of LRO states or a function returning one, got number");
  });
});
