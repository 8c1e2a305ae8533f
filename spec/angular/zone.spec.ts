// @vitest-environment happy-dom
import "zone.js";
import "./support/test-bed.js";
import { provideHttpClient } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting } from "@angular/common/http/testing";
import { afterEveryRender, ApplicationRef, Component, inject, NgZone, provideZoneChangeDetection, provideZonelessChangeDetection } from "@angular/core";
import { ComponentFixtureAutoDetect, TestBed } from "@angular/core/testing";
import { describe, expect, it } from "vitest";
import { LroService, lroState, provideRxLro } from "../../lib/angular/index.js";
import { serveArmPut, until, widgetUrl } from "./support/arm.js";

const Progress = Component({ selector: "app-progress", template: "{{ view().status }}" })(
  class {
    readonly view = lroState(inject(LroService).track({ url: widgetUrl(), method: "PUT" }));
    renders = 0;
    constructor() {
      afterEveryRender(() => this.renders++);
    }
  },
);

function setup(zoneless: boolean) {
  TestBed.configureTestingModule({
    providers: [
      zoneless ? provideZonelessChangeDetection() : provideZoneChangeDetection(),
      provideHttpClient(),
      provideHttpClientTesting(),
      { provide: ComponentFixtureAutoDetect, useValue: true },
      // 40 ms between polls: long enough to look at the app while it waits.
      provideRxLro({ defaults: { intervalInMs: 40 } }),
    ],
  });
  return { appRef: TestBed.inject(ApplicationRef), zone: TestBed.inject(NgZone), controller: TestBed.inject(HttpTestingController) };
}

describe.each([
  ["zone.js", false],
  ["zoneless", true],
])("change detection with %s", (_name, zoneless) => {
  it("runs one change detection per state, keeps timers out of the zone, and the app stable between polls", async () => {
    const { appRef, zone, controller } = setup(zoneless);
    const fixture = TestBed.createComponent(Progress);
    await fixture.whenStable();
    const element = fixture.nativeElement as HTMLElement;
    const before = fixture.componentInstance.renders;
    // Stable at some moment while the operation shows "running", i.e. between its polls.
    let stableWhileRunning = false;
    let zoneTasksWhileRunning = false;
    let stableNow = false;
    const look = () => {
      if (element.textContent !== "running") return;
      stableWhileRunning ||= stableNow;
      zoneTasksWhileRunning ||= zone.hasPendingMacrotasks;
    };
    const stable = appRef.isStable.subscribe((value) => {
      stableNow = value;
      look();
    });
    const sampler = setInterval(look, 2);

    const served = serveArmPut(controller, { statuses: ["Running", "Running", "Succeeded"], retryAfter: null });
    await until(() => element.textContent === "running");
    if (!zoneless) expect(NgZone.isInAngularZone()).toBe(false);
    await served;
    await until(() => element.textContent === "succeeded");
    await new Promise((resolve) => setTimeout(resolve, 20));
    stable.unsubscribe();
    clearInterval(sampler);

    expect(stableWhileRunning).toBe(true);
    expect(zoneTasksWhileRunning).toBe(false);
    // Four states (running ×3, succeeded): four passes, whatever the timers and requests in between.
    expect(fixture.componentInstance.renders - before).toBe(4);
    controller.verify();
  });
});
