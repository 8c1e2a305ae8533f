// @vitest-environment happy-dom
// @vitest-environment-options { "url": "http://127.0.0.1/" }
// A real server render (`renderApplication` from @angular/platform-server) followed by a real
// client hydration (`bootstrapApplication` + `provideClientHydration`) of the same standalone
// component, against the embedded ARM server on 127.0.0.1: what was sent is read from the
// server's own request record. No TestBed here: TestBed's testing platform would clash with the
// server platform, so JIT is set up by importing the compiler first.
import "@angular/compiler";
import { provideHttpClient, withFetch } from "@angular/common/http";
import { ApplicationRef, Component, inject, InjectionToken, PlatformRef, provideZonelessChangeDetection } from "@angular/core";
import { bootstrapApplication, type BootstrapContext, provideClientHydration } from "@angular/platform-browser";
import { provideServerRendering, renderApplication } from "@angular/platform-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startArmServer, type ArmServer } from "../../server/index.js";
import { LroService, lroState, provideRxLro, withPersistence } from "../../lib/angular/index.js";

let server: ArmServer;
beforeAll(async () => {
  // Each poll is answered with Retry-After: 250 ms, and the operation runs 1.5 s: several polls.
  server = await startArmServer({ duration: 1500, retryAfterMs: 250, cors: true });
});
afterAll(() => server.close());

const storageKey = "rx-lro:hydration";

// One component class for the server and the browser, as in a real app (the URL is provided).
const WIDGET_URL = new InjectionToken<string>("widget URL");
const App = Component({
  selector: "app-root",
  template: `<p id="status">{{ view().status }}</p><p id="restored">{{ restored.resumed }}</p>`,
})(
  class {
    readonly lro = inject(LroService);
    readonly url = inject(WIDGET_URL);
    readonly restored = this.lro.restore();
    readonly view = lroState(() => this.lro.track({ url: this.url, method: "PUT", json: { location: "westeurope" }, allowInsecureConnection: true }, { label: "hydration" }));
  },
);

function appConfig(url: string) {
  const providers = [
    { provide: WIDGET_URL, useValue: url },
    provideZonelessChangeDetection(),
    provideHttpClient(withFetch()),
    provideClientHydration(),
    provideRxLro({ allowedHosts: [new URL(url).host] }, withPersistence(() => localStorage, { key: storageKey })),
  ];
  return { App, providers };
}

describe("server render, then hydration in the browser (zoneless, fetch)", () => {
  it("sends nothing on the server; after hydration the operation begins, polls, reaches the view, and the app is stable between polls", async () => {
    const warn = vi.spyOn(console, "warn");
    const log = vi.spyOn(console, "log");
    const error = vi.spyOn(console, "error");
    const url = server.resourceUrl("hydrated");

    // 1. The real server render.
    const before = server.requests().length;
    const { App: ServerApp, providers } = appConfig(url);
    const html = await renderApplication((context: BootstrapContext) => bootstrapApplication(ServerApp, { providers: [...providers, provideServerRendering()] }, context), {
      document: "<html><head></head><body><app-root></app-root></body></html>",
      url: "http://127.0.0.1/",
      allowedHosts: ["127.0.0.1"],
    });
    // Give anything the render might have started a moment to reach the server.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.requests().slice(before)).toEqual([]);
    expect(html).toMatch(/<app-root[^>]*ngh="0"/);
    expect(html).toContain('<p id="status">idle</p>');
    expect(html).toContain('<p id="restored">0</p>');
    expect(html).toMatch(/<script id="ng-state" type="application\/json">/);

    // 2. The browser: the server's HTML becomes the document, then the app hydrates it.
    localStorage.removeItem(storageKey);
    document.head.innerHTML = /<head>([\s\S]*)<\/head>/.exec(html)![1]!;
    document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)![1]!;
    const serverStatusNode = document.getElementById("status")!;
    expect(serverStatusNode.textContent).toBe("idle");
    expect(document.querySelector("app-root")!.getAttribute("ngh")).toBe("0");

    const { App: BrowserApp, providers: browserProviders } = appConfig(url);
    const appRef: ApplicationRef = await bootstrapApplication(BrowserApp, { providers: browserProviders });
    try {
      // Hydrated, not re-rendered: the server's nodes are the ones in use, the annotation consumed.
      expect(document.querySelector("app-root")!.hasAttribute("ngh")).toBe(false);
      expect(document.getElementById("status")).toBe(serverStatusNode);
      // Angular's own dev-mode hydration report (logged once the app first becomes stable).
      await vi.waitFor(() => expect(log.mock.calls.map((args) => String(args[0]))).toContainEqual(expect.stringMatching(/^Angular hydrated 1 component\(s\) and \d+ node\(s\), 0 component\(s\) were skipped/)), { timeout: 2000, interval: 10 });
      const hydrationErrors = [...warn.mock.calls, ...error.mock.calls].map((args) => args.map(String).join(" ")).filter((line) => /NG05\d\d/.test(line));
      expect(hydrationErrors).toEqual([]);

      // The operation begins in the browser: the server records the PUT, then polls.
      // (happy-dom's fetch to the server's port is cross-origin: its CORS preflights are not the operation's.)
      const sent = () => server.requests().slice(before).filter(({ method }) => method !== "OPTIONS");
      await vi.waitFor(() => expect(sent()[0]?.method).toBe("PUT"), { timeout: 2000, interval: 10 });
      const operationId = sent()[0]!.operationId!;
      expect(operationId).toBeTruthy();
      await vi.waitFor(() => expect(serverStatusNode.textContent).toBe("running"), { timeout: 2000, interval: 10 });

      // Stable while the operation is still polling (between polls): NG0506 fires only when an
      // app never becomes stable within 10 s of bootstrap; this test is shorter than that, so
      // the meaningful check is that whenStable() resolves here, well before, mid-operation.
      await vi.waitFor(() => expect(server.requests({ operationId }).filter(({ method }) => method === "GET").length).toBeGreaterThanOrEqual(1), { timeout: 2000, interval: 10 });
      const stableAt = Date.now();
      await appRef.whenStable();
      expect(Date.now() - stableAt).toBeLessThan(1000);
      const pollsWhenStable = server.requests({ operationId }).length;
      expect(serverStatusNode.textContent).toBe("running");
      // And it is still polling afterwards: stability did not come from the operation stopping.
      await vi.waitFor(() => expect(server.requests({ operationId }).length).toBeGreaterThan(pollsWhenStable), { timeout: 2000, interval: 10 });
      expect(JSON.parse(localStorage.getItem(storageKey) ?? "[]")).not.toEqual([]);

      await vi.waitFor(() => expect(serverStatusNode.textContent).toBe("succeeded"), { timeout: 5000, interval: 20 });
      await appRef.whenStable();
      const methods = server.requests({ operationId }).map(({ method }) => method).filter((method) => method !== "OPTIONS");
      expect(methods[0]).toBe("PUT");
      expect(methods.slice(1).every((method) => method === "GET")).toBe(true);
      expect(methods.length).toBeGreaterThanOrEqual(4);

      const logged = [...warn.mock.calls, ...error.mock.calls].map((args) => args.map(String).join(" "));
      expect(logged.filter((line) => line.includes("NG0506"))).toEqual([]);
      expect(logged.filter((line) => /NG05\d\d/.test(line))).toEqual([]);
    } finally {
      // Destroying the browser platform destroys the app: its lroState and hub loops unsubscribe
      // (request aborted, timer cleared). renderApplication already destroyed the server's.
      const platform = appRef.injector.get(PlatformRef);
      platform.destroy();
      expect(appRef.destroyed).toBe(true);
      warn.mockRestore();
      log.mockRestore();
      error.mockRestore();
      localStorage.removeItem(storageKey);
    }
  });

  it("a reload mid-operation: the server render resumes nothing, hydration restores the persisted operation and follows it", async () => {
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    const url = server.resourceUrl("reloaded");
    const rxLro = () => provideRxLro({ allowedHosts: [new URL(url).host] }, withPersistence(() => localStorage, { key: storageKey }));

    // A first page begins the operation and is closed while it runs: its token stays in storage.
    localStorage.removeItem(storageKey);
    document.head.innerHTML = "";
    document.body.innerHTML = "<app-root></app-root>";
    // (A client-only page: no provideClientHydration, there is no server HTML to hydrate.)
    const first = await bootstrapApplication(App, { providers: [{ provide: WIDGET_URL, useValue: url }, provideZonelessChangeDetection(), provideHttpClient(withFetch()), rxLro()] });
    await vi.waitFor(() => expect(document.getElementById("status")!.textContent).toBe("running"), { timeout: 2000, interval: 10 });
    await vi.waitFor(() => expect(JSON.parse(localStorage.getItem(storageKey) ?? "[]")).toHaveLength(1), { timeout: 2000, interval: 10 });
    const operationId = server.requests().filter(({ method }) => method === "PUT").at(-1)!.operationId!;
    first.injector.get(PlatformRef).destroy();
    const persisted = localStorage.getItem(storageKey);
    expect(JSON.parse(persisted ?? "[]")).toHaveLength(1);

    // The reloaded page: a drawer that restores persisted operations and lists them.
    const Drawer =
      Component({ selector: "app-drawer", template: `@for (entry of lro.operations(); track entry.id) {<p class="op">{{ entry.label }} {{ entry.state.status }}</p>}<p id="resumed">{{ restored.resumed }}</p>` })(
        class {
          readonly lro = inject(LroService);
          readonly restored = this.lro.restore();
        },
      );
    const before = server.requests().length;
    const html = await renderApplication((context: BootstrapContext) => bootstrapApplication(Drawer, { providers: [provideZonelessChangeDetection(), provideHttpClient(withFetch()), provideClientHydration(), rxLro(), provideServerRendering()] }, context), {
      document: "<html><head></head><body><app-drawer></app-drawer></body></html>",
      url: "http://127.0.0.1/",
      allowedHosts: ["127.0.0.1"],
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The server neither read the browser's storage nor sent anything: the operation's record
    // gained nothing from the render (the operation went on on the service meanwhile).
    expect(server.requests().slice(before).filter(({ method }) => method !== "OPTIONS")).toEqual([]);
    expect(html).toContain('<p id="resumed">0</p>');
    expect(html).not.toContain('class="op"');
    expect(localStorage.getItem(storageKey)).toBe(persisted);

    document.head.innerHTML = /<head>([\s\S]*)<\/head>/.exec(html)![1]!;
    document.body.innerHTML = /<body>([\s\S]*)<\/body>/.exec(html)![1]!;
    const resumedNode = document.getElementById("resumed")!;
    const hydratedAt = Date.now();
    const appRef = await bootstrapApplication(Drawer, { providers: [provideZonelessChangeDetection(), provideHttpClient(withFetch()), provideClientHydration(), rxLro()] });
    try {
      expect(document.getElementById("resumed")).toBe(resumedNode);
      await vi.waitFor(() => expect(resumedNode.textContent).toBe("1"), { timeout: 2000, interval: 10 });
      // Resumed in the browser: polls of the same operation arrive after hydration.
      await vi.waitFor(() => expect(server.requests({ operationId }).filter(({ at, method }) => at >= hydratedAt && method === "GET").length).toBeGreaterThanOrEqual(1), { timeout: 2000, interval: 10 });
      await vi.waitFor(() => expect(document.querySelector(".op")?.textContent).toBe("hydration succeeded"), { timeout: 5000, interval: 20 });
      await appRef.whenStable();
      expect(server.requests({ operationId }).filter(({ method }) => method === "PUT")).toHaveLength(1);
      const logged = [...warn.mock.calls, ...error.mock.calls].map((args) => args.map(String).join(" "));
      expect(logged.filter((line) => /NG05\d\d/.test(line))).toEqual([]);
    } finally {
      appRef.injector.get(PlatformRef).destroy();
      warn.mockRestore();
      error.mockRestore();
      localStorage.removeItem(storageKey);
    }
  });
});
