// The Angular portal (examples/angular-portal) end to end: its production builds (zoneless and
// zone.js, built by `npm run test:portal` against the packed library) served by the embedded ARM
// server on 127.0.0.1 and driven in headless Chromium. What the page shows is checked against the
// server's own record: one update per state, isStable while polling, change-detection passes per
// state, cancel and leaving the page stop the polls (the operation goes on), reload resumes,
// failure / service cancellation / an initial 4xx show the service's message, the actions.
//
// Run by `npm run test:portal` (spec/e2e/vitest.portal.config.ts); needs Chromium at /usr/bin/chromium.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDir, portalDir, type PortalBuild } from "../../examples/angular-portal/tools/portal.js";
import { startArmServer, type ArmServer, type OperationSnapshot } from "../../server/index.js";
import { launchChromium, requireChromium } from "./chromium.js";


/** A drawer row as the page shows it (its `data-*` attributes). */
interface DrawerRow {
  readonly id: string;
  readonly label: string;
  readonly status: string;
  readonly providerStatus: string | undefined;
  readonly percent: number | undefined;
  readonly followed: boolean;
  readonly message: string | undefined;
}

/** One change of a drawer row as recorded in the page, with the render count at that moment. */
interface RowChange {
  readonly label: string;
  readonly status: string;
  readonly percent: string | null;
  readonly providerStatus: string | null;
  readonly renders: number;
  readonly at: number;
}

declare global {
  interface Window {
    /** Set by the portal (src/app/diagnostics.ts). */
    portalDiagnostics?: { readonly mode: string; readonly renders: number; readonly stable: boolean; readonly stableTransitions: number };
  }
}

/** What the suite measured, per build (written next to the builds for the README). */
const measurements: Record<string, unknown> = {};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

beforeAll(() => {
  requireChromium();
  for (const build of ["zoneless", "zone"] as const) {
    if (!existsSync(join(buildDir(build), "index.html"))) {
      throw new Error(`No ${build} build in ${buildDir(build)}: run \`npm run test:portal\` (it builds the example first).`);
    }
  }
});

afterAll(async () => {
  await mkdir(join(portalDir, "dist"), { recursive: true });
  await writeFile(join(portalDir, "dist", "e2e-measurements.json"), `${JSON.stringify(measurements, null, 2)}\n`);
});

describe.each(["zoneless", "zone"] as const)("the portal, %s build", (build: PortalBuild) => {
  let workDir: string;
  let server: ArmServer;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const measured: Record<string, unknown> = { build };
  measurements[build] = measured;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), `rx-lro-portal-${build}-`));
    server = await startArmServer({ staticDir: buildDir(build), duration: 4000, onError: (error) => pageErrors.push(`server: ${String(error)}`) });
    context = await launchChromium(workDir, { width: 1200, height: 800 });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && !/Failed to load resource/.test(message.text())) pageErrors.push(`console: ${message.text()}`);
    });
    await open("/");
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<void> {
    await page.goto(`${server.url}${path}`);
    await page.waitForFunction(() => window.portalDiagnostics !== undefined);
    await recordRowChanges();
  }

  /** Records, in the page, each change of a drawer row's status/percent, with the render count. */
  async function recordRowChanges(): Promise<void> {
    await page.evaluate(() => {
      const changes: RowChange[] = [];
      (window as unknown as { rowChanges: RowChange[] }).rowChanges = changes;
      const last = new Map<string, string>();
      const take = () => {
        for (const element of Array.from(document.querySelectorAll<HTMLElement>("li.op"))) {
          const data = element.dataset;
          const key = `${data["status"]}|${data["percent"] ?? ""}|${data["providerStatus"] ?? ""}`;
          const label = data["label"] ?? "";
          if (last.get(label) === key) continue;
          last.set(label, key);
          changes.push({
            label,
            status: data["status"] ?? "",
            percent: data["percent"] ?? null,
            providerStatus: data["providerStatus"] ?? null,
            renders: window.portalDiagnostics?.renders ?? -1,
            at: Date.now(),
          });
        }
      };
      new MutationObserver(take).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status", "data-percent", "data-provider-status"] });
      take();
    });
  }

  async function rowChanges(label: string): Promise<RowChange[]> {
    const all = await page.evaluate(() => (window as unknown as { rowChanges: RowChange[] }).rowChanges);
    return all.filter((change) => change.label === label);
  }

  async function drawerRows(): Promise<DrawerRow[]> {
    return page.$$eval("li.op", (elements) =>
      elements.map((element) => {
        const data = (element as HTMLElement).dataset;
        return {
          id: data["opId"] ?? "",
          label: data["label"] ?? "",
          status: data["status"] ?? "",
          providerStatus: data["providerStatus"],
          percent: data["percent"] === undefined ? undefined : Number(data["percent"]),
          followed: data["followed"] === "true",
          message: element.querySelector("[data-message]")?.textContent?.trim(),
        };
      }),
    );
  }

  async function row(label: string): Promise<DrawerRow | undefined> {
    return (await drawerRows()).find((candidate) => candidate.label === label);
  }

  async function rowWith(label: string, status: string, timeoutMs = 15_000): Promise<DrawerRow> {
    return until(`${label} ${status}`, async () => {
      const found = await row(label);
      return found?.status === status ? found : undefined;
    }, timeoutMs);
  }

  async function create(name: string, outcome: "succeed" | "fail" | "cancel", duration: number): Promise<void> {
    await page.fill("[data-name]", name);
    await page.selectOption("[data-outcome]", outcome);
    await page.fill("[data-duration]", String(duration));
    await page.click("[data-create]");
  }

  /** The server's operation on a widget (its latest of `kind`). */
  function operationOf(widget: string, kind: OperationSnapshot["kind"] = "create"): OperationSnapshot | undefined {
    return server
      .operations()
      .filter((operation) => operation.kind === kind && operation.resourceId.endsWith(`/widgets/${widget}`))
      .at(-1);
  }

  it("shows each state once, with progress, while isStable is true between polls; counts change-detection passes per state", async () => {
    await create("progress", "succeed", 5000);
    const stableWhileRunning: boolean[] = [];
    await until("progress succeeded", async () => {
      const current = await row("Create progress");
      if (current?.status === "running") stableWhileRunning.push(await page.evaluate(() => window.portalDiagnostics?.stable === true));
      return current?.status === "succeeded" ? current : undefined;
    });
    const operation = operationOf("progress");
    expect(operation?.status).toBe("Succeeded");
    const changes = await rowChanges("Create progress");
    const states = changes.filter((change) => change.status !== "pending");
    // One DOM update per state the library emitted: the first response's, one per poll (the last
    // one carries the final GET's result), nothing repeated.
    expect(states.length).toBe((operation?.statusPolls ?? 0) + 1);
    const percents = states.map((change) => Number(change.percent ?? -1));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents.slice(0, -1)).size).toBe(percents.length - 1);
    expect(states.at(-1)?.status).toBe("succeeded");
    // isStable is true while the operation polls: no zone task keeps the app busy.
    expect(stableWhileRunning.filter(Boolean).length).toBeGreaterThan(stableWhileRunning.length / 2);
    const first = states[0] as RowChange;
    const last = states.at(-1) as RowChange;
    // Passes between the first state shown and the last, per state after the first.
    const perState = (last.renders - first.renders) / (states.length - 1);
    measured["states"] = states.length;
    measured["statusPolls"] = operation?.statusPolls;
    measured["renderPasses"] = last.renders - first.renders;
    measured["renderPassesPerState"] = Number(perState.toFixed(2));
    measured["stableSamplesWhileRunning"] = `${stableWhileRunning.filter(Boolean).length}/${stableWhileRunning.length}`;
    console.log(`[${build}] ${states.length} states, ${last.renders - first.renders} change-detection passes after the first: ${perState.toFixed(2)} per state`);
    expect(perState).toBeGreaterThanOrEqual(1);
    expect(perState).toBeLessThanOrEqual(3);
  }, 30_000);

  it("shows a failure and a service cancellation with the service's message", async () => {
    await create("doomed", "fail", 1500);
    await create("dropped", "cancel", 1500);
    const failed = await rowWith("Create doomed", "failed");
    const canceled = await rowWith("Create dropped", "canceled");
    const failedOn = operationOf("doomed") as OperationSnapshot;
    const canceledOn = operationOf("dropped") as OperationSnapshot;
    expect(failed.message).toBe(`The creation of widget 'doomed' (operation ${failedOn.id}) failed: QuotaExceeded.`);
    expect(canceled.message).toBe(`The creation of widget 'dropped' (operation ${canceledOn.id}) was canceled.`);
    expect(operationOf("doomed")?.status).toBe("Failed");
    expect(operationOf("dropped")?.status).toBe("Canceled");
  }, 30_000);

  it("shows an initial 4xx with the service's message; nothing is polled", async () => {
    const before = server.stats().operations.created;
    await create("not a name!", "succeed", 1000);
    const refused = await rowWith("Create not a name!", "error");
    const expected = "The resource name 'not a name!' is invalid: 1 to 63 letters, digits, '-', '_' or '.', starting with a letter or digit.";
    expect(refused.message).toBe(expected);
    expect(await page.textContent("[data-form-error]")).toBe(expected);
    expect(server.stats().operations.created).toBe(before);
  });

  it("cancel stops the polls (one in flight at most), and the operation goes on on the server", async () => {
    await create("cancelled", "succeed", 4000);
    await until("a poll", () => ((operationOf("cancelled")?.statusPolls ?? 0) >= 1 ? true : undefined));
    await rowWith("Create cancelled", "running");
    await page.click('li.op[data-label="Create cancelled"] [data-cancel]');
    const canceledAt = Date.now();
    const id = (operationOf("cancelled") as OperationSnapshot).id;
    await sleep(2500);
    expect(server.pollsAfter(id, canceledAt)).toBeLessThanOrEqual(1);
    expect(server.pollsAfter(id, canceledAt + 250)).toBe(0);
    expect((await row("Create cancelled"))?.followed).toBe(false);
    await until("the server to finish it", () => (operationOf("cancelled")?.status === "Succeeded" ? true : undefined), 5000);
    expect(operationOf("cancelled")?.terminalServedAt).toBeUndefined();
  }, 30_000);

  it("the detail page shares the drawer's poll loop, and a deep link survives a reload", async () => {
    await create("detailed", "succeed", 5000);
    await rowWith("Create detailed", "running");
    await page.click('tr[data-widget="detailed"] a');
    await page.waitForSelector('[data-live-status="running"]');
    await page.waitForSelector('[data-live-status="succeeded"]', { timeout: 10_000 });
    const operation = operationOf("detailed") as OperationSnapshot;
    // One loop for the drawer and the page: about one poll per Retry-After second, not two.
    expect(operation.statusPolls).toBeLessThanOrEqual(Math.ceil(operation.durationMs / 1000) + 1);
    expect(new URL(page.url()).pathname).toBe("/widgets/detailed");
    await page.reload();
    await page.waitForSelector('[data-detail-name]');
    expect(await page.textContent("[data-detail-name]")).toBe("detailed");
    await page.waitForSelector('[data-provisioning-state]');
    expect(await page.textContent("[data-provisioning-state]")).toBe("Succeeded");
    await open("/");
  }, 30_000);

  it("leaving the page stops the polls; coming back resumes the unfinished operation", async () => {
    await create("left", "succeed", 6000);
    await until("a poll", () => ((operationOf("left")?.statusPolls ?? 0) >= 1 ? true : undefined));
    const id = (operationOf("left") as OperationSnapshot).id;
    await page.goto("about:blank");
    const leftAt = Date.now();
    await sleep(2500);
    expect(server.pollsAfter(id, leftAt)).toBeLessThanOrEqual(1);
    expect(server.pollsAfter(id, leftAt + 250)).toBe(0);
    const initialRequests = server.requests(id).filter((record) => record.kind === "initial").length;
    await open("/");
    const resumedAt = Date.now();
    const resumed = await rowWith("Create left", "succeeded", 10_000);
    expect(resumed.followed).toBe(true);
    expect(server.pollsAfter(id, resumedAt)).toBeGreaterThanOrEqual(1);
    // Resumed from its token: no second PUT.
    expect(server.requests(id).filter((record) => record.kind === "initial").length).toBe(initialRequests);
  }, 30_000);

  it("a reload resumes an unfinished operation where it was", async () => {
    await create("reloaded", "succeed", 5000);
    await until("a poll", () => ((operationOf("reloaded")?.statusPolls ?? 0) >= 1 ? true : undefined));
    const id = (operationOf("reloaded") as OperationSnapshot).id;
    const puts = server.stats().requests.byMethod["PUT"] ?? 0;
    await page.reload();
    await page.waitForFunction(() => window.portalDiagnostics !== undefined);
    await recordRowChanges();
    const reloadedAt = Date.now();
    await rowWith("Create reloaded", "succeeded", 10_000);
    // Followed only by the service (restore) and shown only by the drawer: passes per state
    // without a component's lroState on screen.
    const states = (await rowChanges("Create reloaded")).filter((change) => change.status !== "pending");
    if (states.length > 1) {
      const passes = (states.at(-1) as RowChange).renders - (states[0] as RowChange).renders;
      measured["resumedDrawerOnly"] = { states: states.length, renderPasses: passes, renderPassesPerState: Number((passes / (states.length - 1)).toFixed(2)) };
      console.log(`[${build}] resumed, drawer only: ${states.length} states, ${passes} passes after the first: ${(passes / (states.length - 1)).toFixed(2)} per state`);
    }
    expect(server.pollsAfter(id, reloadedAt)).toBeGreaterThanOrEqual(1);
    expect(server.stats().requests.byMethod["PUT"] ?? 0).toBe(puts);
    expect(operationOf("reloaded")?.terminalServedAt).toBeDefined();
  }, 30_000);

  it("updates, restarts and deletes a widget", async () => {
    await create("acted", "succeed", 800);
    await rowWith("Create acted", "succeeded");
    await page.waitForSelector('tr[data-widget="acted"][data-state="Succeeded"]');
    await page.fill("[data-duration]", "800");
    await page.click('tr[data-widget="acted"] [data-action="update"]');
    await rowWith("Update acted", "succeeded");
    await page.click('tr[data-widget="acted"] [data-action="restart"]');
    await rowWith("Restart acted", "succeeded");
    await page.click('tr[data-widget="acted"] [data-action="delete"]');
    await rowWith("Delete acted", "succeeded");
    await page.waitForSelector('tr[data-widget="acted"]', { state: "detached" });
    for (const kind of ["update", "restart", "delete"] as const) expect(operationOf("acted", kind)?.status, kind).toBe("Succeeded");
  }, 30_000);

  it("logged no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});

describe("the portal, cross-origin (the server's --cors)", () => {
  let workDir: string;
  let api: ArmServer;
  let pages: ArmServer;
  let context: BrowserContext;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "rx-lro-portal-cors-"));
    api = await startArmServer({ cors: true, duration: 1500 });
    pages = await startArmServer({ staticDir: buildDir("zoneless") });
    context = await launchChromium(workDir);
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await api?.close();
    await pages?.close();
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  });

  it("creates a widget on the API's origin, from a page on another", async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${pages.url}/?api=${encodeURIComponent(api.url)}`);
    await page.waitForFunction(() => window.portalDiagnostics !== undefined);
    await page.fill("[data-name]", "remote");
    await page.fill("[data-duration]", "1500");
    await page.click("[data-create]");
    await page.waitForSelector('li.op[data-label="Create remote"][data-status="succeeded"]', { timeout: 10_000 });
    const [operation] = api.operations();
    expect(operation?.status).toBe("Succeeded");
    expect(operation?.statusPolls).toBeGreaterThanOrEqual(1);
    expect(api.stats().requests.byKind.preflight).toBeGreaterThanOrEqual(1);
    expect(pages.stats().operations.created).toBe(0);
    expect(errors).toEqual([]);
  }, 30_000);
});
