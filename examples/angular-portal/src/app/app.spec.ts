// The portal's pages with Angular's HttpTestingController answering every request: rx-lro's
// transport is the app's HttpClient (withAngularHttpClient), so the test plays the service.
import { provideHttpClient } from "@angular/common/http";
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from "@angular/common/http/testing";
import { TestBed, type ComponentFixture } from "@angular/core/testing";
import { provideRouter, Router } from "@angular/router";
import { provideRxLro, withAngularHttpClient } from "rx-lro/angular";
import { App } from "./app";
import { routes } from "./app.routes";
import { ARM_API, armApiFor, widgetsUrl, widgetUrl, type Widget } from "./arm-api";

const api = armApiFor("http://127.0.0.1:4200/");
const statusUrl = `${api.baseUrl}/subscriptions/${api.subscription}/providers/Microsoft.Demo/locations/westeurope/operationStatuses/op1?api-version=${api.apiVersion}`;
const widget = (state: string): Widget => ({
  id: "/subscriptions/s/resourceGroups/portal/providers/Microsoft.Demo/widgets/w1",
  name: "w1",
  type: "Microsoft.Demo/widgets",
  location: "westeurope",
  properties: { provisioningState: state, color: "teal" },
});

/** rx-lro's transport reads bodies as text (`responseType: "text"`), as a server sends them. */
const json = (body: unknown) => JSON.stringify(body);

let http: HttpTestingController;
let fixture: ComponentFixture<App>;

/** The next request matching, once rx-lro has sent it (its timers run on the real clock). */
async function next(method: string, url: string): Promise<TestRequest> {
  let found: TestRequest[] = [];
  await vi.waitFor(
    () => {
      fixture.detectChanges();
      found = http.match((request) => request.method === method && request.urlWithParams === url);
      if (found.length !== 1) {
        const pending = http.match(() => true);
        throw new Error(`expected ${method} ${url}; pending: ${pending.map((r) => `${r.request.method} ${r.request.urlWithParams}`).join(", ")}`);
      }
    },
    { timeout: 3000, interval: 5 },
  );
  return found[0] as TestRequest;
}

function text(selector: string): string | undefined {
  return (fixture.nativeElement as HTMLElement).querySelector(selector)?.textContent?.trim();
}

function drawerRow(): HTMLElement | null {
  return (fixture.nativeElement as HTMLElement).querySelector("li.op");
}

/**
 * Renders now. Not `whenStable()`: Angular's HttpClient holds the app unstable while a request is
 * pending, and here a poll waits for the test to answer it.
 */
async function render(): Promise<void> {
  fixture.detectChanges();
}

/** Renders until `check` passes: states arrive on rx-lro's timers, not on the test's. */
async function eventually(check: () => void): Promise<void> {
  await vi.waitFor(
    async () => {
      await render();
      check();
    },
    { timeout: 3000, interval: 5 },
  );
}

beforeEach(async () => {
  localStorage.clear();
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(),
      provideHttpClientTesting(),
      provideRouter(routes),
      { provide: ARM_API, useValue: api },
      provideRxLro({ defaults: { intervalInMs: 5 }, hub: { pauseWhenHidden: false }, allowedHosts: ["127.0.0.1:4200"] }, withAngularHttpClient()),
    ],
  });
  http = TestBed.inject(HttpTestingController);
  fixture = TestBed.createComponent(App);
  await TestBed.inject(Router).navigateByUrl("/");
  (await next("GET", widgetsUrl(api))).flush({ value: [] });
  await render();
});

afterEach(() => {
  fixture.destroy();
});

function startCreate(name: string): void {
  const element = fixture.nativeElement as HTMLElement;
  const input = element.querySelector<HTMLInputElement>("[data-name]") as HTMLInputElement;
  input.value = name;
  input.dispatchEvent(new Event("input"));
  (element.querySelector("[data-create]") as HTMLButtonElement).click();
}

describe("the portal (HttpTestingController)", () => {
  it("creates a widget: the PUT, the polls and the final GET go through HttpClient; the drawer shows each state", async () => {
    startCreate("w1");
    const put = await next("PUT", widgetUrl(api, "w1", { outcome: "succeed", duration: 4000 }));
    expect(JSON.parse(put.request.body as string)).toEqual({ location: "westeurope", properties: { color: "teal" } });
    put.flush(json(widget("Accepted")), { status: 201, statusText: "Created", headers: { "Azure-AsyncOperation": statusUrl, "Retry-After": "0" } });
    await eventually(() => expect(drawerRow()?.dataset["status"]).toBe("running"));
    expect(drawerRow()?.dataset["label"]).toBe("Create w1");
    // The list is read again as the operation starts (the new widget shows at once).
    (await next("GET", widgetsUrl(api))).flush({ value: [widget("Accepted")] });

    (await next("GET", statusUrl)).flush(json({ status: "InProgress", percentComplete: 40 }), { headers: { "Retry-After": "0" } });
    await eventually(() => expect(drawerRow()?.dataset["percent"]).toBe("40"));
    expect(text("li.op .status")).toBe("running");

    (await next("GET", statusUrl)).flush(json({ status: "Succeeded", percentComplete: 100 }));
    // PUT: the final resource is read from the original URI.
    (await next("GET", widgetUrl(api, "w1", { outcome: "succeed", duration: 4000 }))).flush(json(widget("Succeeded")));
    await eventually(() => expect(drawerRow()?.dataset["status"]).toBe("succeeded"));
    // The list is read again once the operation has ended.
    (await next("GET", widgetsUrl(api))).flush({ value: [widget("Succeeded")] });
    await eventually(() => expect(text('tr[data-widget="w1"] td:nth-child(2)')).toBe("Succeeded"));
    http.verify();
  }, 15_000);

  it("shows the service's message when the PUT is refused (an initial 4xx), and sends nothing more", async () => {
    startCreate("bad name");
    const put = await next("PUT", widgetUrl(api, "bad name", { outcome: "succeed", duration: 4000 }));
    const message = "The resource name 'bad name' is invalid: 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit.";
    put.flush(json({ error: { code: "InvalidResourceName", message } }), { status: 400, statusText: "Bad Request" });
    await eventually(() => expect(text("[data-form-error]")).toBe(message));
    expect(drawerRow()?.dataset["status"]).toBe("error");
    expect(text("li.op [data-message]")).toBe(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
    http.verify();
  }, 15_000);

  it("shows a failed operation with the service's message", async () => {
    startCreate("w1");
    (await next("PUT", widgetUrl(api, "w1", { outcome: "succeed", duration: 4000 }))).flush(json(widget("Accepted")), {
      status: 201,
      statusText: "Created",
      headers: { "Azure-AsyncOperation": statusUrl, "Retry-After": "0" },
    });
    const message = "The creation of widget 'w1' (operation op1) failed: QuotaExceeded.";
    (await next("GET", statusUrl)).flush(json({ status: "Failed", percentComplete: 100, error: { code: "QuotaExceeded", message } }));
    await eventually(() => expect(drawerRow()?.dataset["status"]).toBe("failed"));
    expect(text("li.op [data-message]")).toBe(message);
    for (const read of http.match((request) => request.urlWithParams === widgetsUrl(api))) read.flush({ value: [widget("Failed")] });
    http.verify();
  }, 15_000);

  it("cancel unsubscribes: the request in flight is canceled and no poll follows", async () => {
    startCreate("w1");
    (await next("PUT", widgetUrl(api, "w1", { outcome: "succeed", duration: 4000 }))).flush(json(widget("Accepted")), {
      status: 201,
      statusText: "Created",
      headers: { "Azure-AsyncOperation": statusUrl, "Retry-After": "0" },
    });
    const poll = await next("GET", statusUrl);
    await eventually(() => expect(drawerRow()?.querySelector("[data-cancel]")).not.toBeNull());
    ((fixture.nativeElement as HTMLElement).querySelector("li.op [data-cancel]") as HTMLButtonElement).click();
    await render();
    expect(poll.cancelled).toBe(true);
    expect(drawerRow()?.dataset["followed"]).toBe("false");
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Whatever list reads the page made, no poll was sent after the cancel.
    for (const read of http.match((request) => request.urlWithParams === widgetsUrl(api))) read.flush({ value: [] });
    http.verify();
  }, 15_000);
});
