// Angular's TestBed under vitest, JIT-compiled (no Angular CLI): each spec file that imports this
// runs in its own environment (`// @vitest-environment happy-dom` at its top). Without zone.js
// loaded, the environment is zoneless (Angular 21's default; Angular 20 must be told).
import "@angular/compiler";
import { NgModule, provideZonelessChangeDetection } from "@angular/core";
import { getTestBed, TestBed } from "@angular/core/testing";
import { BrowserTestingModule, platformBrowserTesting } from "@angular/platform-browser/testing";
import { afterEach } from "vitest";

const ZonelessTesting = NgModule({ providers: [provideZonelessChangeDetection()] })(class {});

getTestBed().initTestEnvironment(typeof Zone === "undefined" ? [BrowserTestingModule, ZonelessTesting] : BrowserTestingModule, platformBrowserTesting(), {
  teardown: { destroyAfterEach: true },
});
afterEach(() => TestBed.resetTestingModule());
