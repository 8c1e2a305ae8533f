// @vitest-environment happy-dom
import "./support/test-bed.js";
import { provideHttpClient } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting } from "@angular/common/http/testing";
import { PLATFORM_ID } from "@angular/core";
import { TestBed } from "@angular/core/testing";
import { describe, expect, it } from "vitest";
import { encodeContinuationToken } from "../../lib/continuation-token.js";
import { LroService, lroState, provideRxLro, withPersistence } from "../../lib/angular/index.js";
import { monitorUrl, origin, widgetUrl } from "./support/arm.js";

describe("on the server (SSR)", () => {
  it("sends nothing and emits nothing: the view renders idle, restore touches no storage", async () => {
    let storageAsked = 0;
    TestBed.configureTestingModule({
      providers: [
        { provide: PLATFORM_ID, useValue: "server" },
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRxLro({ defaults: { intervalInMs: 0 }, allowedHosts: [new URL(origin).host] }, withPersistence(() => (storageAsked++, localStorage))),
      ],
    });
    const lro = TestBed.inject(LroService);
    const controller = TestBed.inject(HttpTestingController);
    const token = encodeContinuationToken({ strategy: "azureAsyncOperation", method: "PUT", requestUrl: widgetUrl(), pollingUrl: monitorUrl(), allowInsecureConnection: false });
    const emitted: unknown[] = [];
    for (const states$ of [lro.begin({ url: widgetUrl(), method: "PUT" }), lro.track({ url: widgetUrl(), method: "PUT" }), lro.resume(token), lro.watch(token)]) {
      states$.subscribe({ next: (state) => emitted.push(state), error: (error) => emitted.push(error), complete: () => emitted.push("complete") });
    }
    const view = TestBed.runInInjectionContext(() => lroState(lro.track({ url: widgetUrl(), method: "PUT" })));
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(emitted).toEqual([]);
    controller.verify();
    expect(view().status).toBe("idle");
    expect(lro.restore()).toEqual({ resumed: 0, dropped: [] });
    expect(storageAsked).toBe(0);
    expect(lro.operations()).toEqual([]);
  });
});
