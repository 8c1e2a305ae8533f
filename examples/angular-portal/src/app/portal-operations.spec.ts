// PortalOperations against rx-lro/testing's scripted fake service: the operations a user starts,
// their states as signals, cancel, a failure and an initial 4xx, without a server or a browser.
import { TestBed } from "@angular/core/testing";
import { provideRxLro, withPipeline } from "rx-lro/angular";
import { createFakeLroService, type FakeLroService } from "rx-lro/testing";
import { ARM_API, armApiFor, widgetUrl } from "./arm-api";
import { PortalOperations, type StartedOperation } from "./portal-operations";

const api = armApiFor("http://127.0.0.1:4200/");
const widgetPath = (name: string) => new RegExp(`/widgets/${name}\\?`);

let service: FakeLroService;

function setUp(): PortalOperations {
  service = createFakeLroService();
  TestBed.configureTestingModule({
    providers: [
      // Polls as soon as the service allows: the fake sends no Retry-After unless scripted.
      provideRxLro({ defaults: { intervalInMs: 5 }, hub: { pauseWhenHidden: false } }, withPipeline(service.pipeline, service.httpClient)),
      { provide: ARM_API, useValue: api },
    ],
  });
  return TestBed.inject(PortalOperations);
}

async function until(operation: StartedOperation, status: string): Promise<void> {
  await vi.waitFor(() => expect(operation.view().status).toBe(status), { timeout: 2000, interval: 5 });
}

describe("PortalOperations", () => {
  it("follows a creation through its states to the service's final resource", async () => {
    const operations = setUp();
    const widget = { id: "/w/w1", name: "w1", type: "Microsoft.Demo/widgets", location: "westeurope", properties: { provisioningState: "Succeeded", color: "teal" } };
    service.script("PUT", widgetPath("w1"), {
      statuses: [{ status: "InProgress", percentComplete: 30 }, { status: "InProgress", percentComplete: 70 }, "Succeeded"],
      result: widget,
    });
    const created = operations.start("create", "w1");
    await until(created, "running");
    expect(created.view().state?.providerStatus).toBe("Accepted");
    await until(created, "succeeded");
    expect(created.view().state?.result).toEqual(widget);
    expect(created.label).toBe("Create w1");
    expect(created.hubId()).toBeTypeOf("string");
    expect(operations.latestFor("w1")).toBe(created);
    expect(service.requests.map((request) => request.method)).toEqual(["PUT", "GET", "GET", "GET", "GET"]);
    expect(service.requests[0]?.url).toBe(widgetUrl(api, "w1"));
  });

  it("cancel stops the polls; nothing more is sent", async () => {
    const operations = setUp();
    service.script("PATCH", widgetPath("w2"), { statuses: Array.from({ length: 50 }, () => "InProgress") });
    const update = operations.start("update", "w2");
    await until(update, "running");
    await vi.waitFor(() => expect(service.requests.length).toBeGreaterThanOrEqual(3), { timeout: 2000, interval: 5 });
    update.cancel();
    // The signal change reaches lroState's effect on the next flush; from there nothing is sent.
    TestBed.tick();
    const sent = service.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(service.requests.length).toBe(sent);
    expect(service.inFlight).toBe(0);
    expect(update.following()).toBe(false);
    expect(operations.latestFor("w2")).toBeUndefined();
  });

  it("shows a failure and an initial 4xx with the service's message", async () => {
    const operations = setUp();
    service.script("POST", /\/widgets\/w3\/restart\?/, {
      pattern: "location",
      statuses: ["InProgress", "Failed"],
      error: { code: "QuotaExceeded", message: "The restart of widget 'w3' failed: QuotaExceeded." },
    });
    service.script("PUT", widgetPath("bad"), {
      initialError: { status: 400, code: "InvalidResourceName", message: "The resource name 'bad' is invalid." },
    });
    const restart = operations.start("restart", "w3");
    const refused = operations.start("create", "bad");
    await until(restart, "failed");
    await until(refused, "error");
    expect(restart.view().errorMessage).toBe("The restart of widget 'w3' failed: QuotaExceeded.");
    expect(refused.view().errorMessage).toBe("The resource name 'bad' is invalid.");
    expect(refused.hubId()).toBeUndefined();
    expect(service.requests.filter((request) => request.url.includes("/bad")).map((request) => request.method)).toEqual(["PUT"]);
  });
});
