// The browser dashboard (examples/browser-dashboard) end to end: the page bundled for the browser,
// served by the embedded ARM server on 127.0.0.1, driven in headless Chromium. It checks what the
// rows show against the server's own record: terminal states of every kind, cancel (no poll
// reaches the server after it, a poll in flight is aborted, the operation still finishes), and
// resume after a reload from the tokens in localStorage.
//
// Needs Chromium at /usr/bin/chromium (or $CHROMIUM_PATH): `apt-get install -y chromium`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildDashboard } from "../../examples/browser-dashboard/build.js";
import { startArmServer, type ArmServer, type HookContext, type OperationSnapshot } from "../../server/index.js";
import { launchChromium, requireChromium } from "./chromium.js";

const storagePrefix = "rx-lro-dashboard:";

type Kind = "create" | "update" | "delete" | "restart" | "migrate";
type Outcome = "succeed" | "fail" | "cancel";
type HeaderModel = "default" | "azure-async-operation" | "location" | "both";

/** A row as the page shows it (its `data-*` attributes). */
interface Row {
  readonly rowId: string;
  readonly kind: Kind;
  readonly widget: string;
  readonly status: string;
  readonly operationId: string | undefined;
  readonly polls: number;
  readonly resumed: boolean;
  readonly cancelledAt: number | undefined;
}

const serverWord: Readonly<Record<string, OperationSnapshot["status"]>> = {
  succeeded: "Succeeded",
  failed: "Failed",
  canceled: "Canceled",
};
const rowWord: Readonly<Record<Outcome, string>> = { succeed: "succeeded", fail: "failed", cancel: "canceled" };
const terminalRow = (row: Row | undefined) => row !== undefined && ["succeeded", "failed", "canceled"].includes(row.status);

let workDir: string;
let server: ArmServer;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  requireChromium();
  workDir = await mkdtemp(join(tmpdir(), "rx-lro-e2e-"));
  const staticDir = await buildDashboard(join(workDir, "dist"));
  server = await startArmServer({ staticDir, onError: (error) => pageErrors.push(`server: ${String(error)}`) });
  context = await launchChromium(workDir);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(`console: ${message.text()}`);
  });
  await page.goto(`${server.url}/`);
  await page.waitForSelector("body[data-ready]");
}, 30_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

async function readRows(): Promise<Row[]> {
  return page.$$eval("#rows tr", (elements) =>
    elements.map((element) => {
      const data = (element as HTMLElement).dataset;
      return {
        rowId: data.rowId ?? "",
        kind: data.kind as Kind,
        widget: data.widget ?? "",
        status: data.status ?? "",
        operationId: data.operationId,
        polls: Number(data.polls ?? "0"),
        resumed: data.resumed !== undefined,
        cancelledAt: data.cancelledAt === undefined ? undefined : Number(data.cancelledAt),
      };
    }),
  );
}

async function rowsById(ids: readonly string[]): Promise<Row[]> {
  const rows = await readRows();
  return ids.map((id) => {
    const row = rows.find((candidate) => candidate.rowId === id);
    if (row === undefined) throw new Error(`no row ${id}`);
    return row;
  });
}

/** Fills the form and clicks a start button; returns the ids of the rows it added. */
async function start(
  kind: Kind,
  { count = 1, seconds, outcome = "succeed", headers = "default" }: { count?: number; seconds: number; outcome?: Outcome; headers?: HeaderModel },
): Promise<string[]> {
  await page.fill("#count", String(count));
  await page.fill("#duration", String(seconds));
  await page.selectOption("#outcome", outcome);
  await page.selectOption("#headers", headers);
  const before = new Set((await readRows()).map((row) => row.rowId));
  await page.click(`#start button[data-kind="${kind}"]`);
  const added = (await readRows()).filter((row) => !before.has(row.rowId)).map((row) => row.rowId);
  expect(added).toHaveLength(count);
  return added;
}

/** Waits until every row in `ids` passes `check`, and returns them. */
async function waitForRows(ids: readonly string[], check: (row: Row) => boolean, timeout = 15_000): Promise<Row[]> {
  return vi.waitFor(
    async () => {
      const rows = await rowsById(ids);
      const pending = rows.filter((row) => !check(row));
      if (pending.length > 0) throw new Error(`rows not there yet: ${JSON.stringify(pending)}`);
      return rows;
    },
    { timeout, interval: 100 },
  );
}

function snapshot(operationId: string | undefined): OperationSnapshot {
  const found = operationId === undefined ? undefined : server.operation(operationId);
  if (found === undefined) throw new Error(`the server has no operation ${String(operationId)}`);
  return found;
}

async function storedRowIds(): Promise<string[]> {
  const keys = await page.evaluate(() => Object.keys(localStorage));
  return keys.filter((key) => key.startsWith(storagePrefix)).map((key) => key.slice(storagePrefix.length)).sort();
}

/**
 * Result GETs the server counts as polls: a POST followed through its Azure-AsyncOperation that
 * also had a Location header fetches its result from that Location (`operationResults`) once it
 * has succeeded. The row's `pollCount` (the library's) does not count that final GET.
 */
function finalLocationGets(kind: Kind, headers: Exclude<HeaderModel, "default">, outcome: Outcome): number {
  return (kind === "restart" || kind === "migrate") && headers === "both" && outcome === "succeed" ? 1 : 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds the next poll of `operationId` at the server (after the handler, before the answer is
 * written) until `release()`: a request that is certainly in flight when the test cancels.
 */
function holdNextPoll(operationId: string): { readonly arrived: Promise<HookContext>; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrive!: (context: HookContext) => void;
  const arrived = new Promise<HookContext>((resolve) => (arrive = resolve));
  let held = false;
  server.setHooks({
    async beforeRespond(hookContext) {
      const isPoll = hookContext.kind === "statusPoll" || hookContext.kind === "locationPoll";
      if (held || !isPoll || hookContext.operationId !== operationId) return undefined;
      held = true;
      arrive(hookContext);
      await released;
      return undefined;
    },
  });
  return { arrived, release };
}

describe("browser dashboard (headless Chromium)", () => {
  it("follows operations of every kind to the terminal state the server reports", async () => {
    const plan: { kind: Kind; outcome: Outcome; headers: HeaderModel; count?: number }[] = [
      { kind: "create", outcome: "succeed", headers: "default", count: 2 },
      { kind: "create", outcome: "succeed", headers: "location" },
      { kind: "update", outcome: "succeed", headers: "default" },
      { kind: "delete", outcome: "succeed", headers: "default" },
      { kind: "restart", outcome: "succeed", headers: "azure-async-operation" },
      { kind: "migrate", outcome: "succeed", headers: "both" },
      { kind: "create", outcome: "fail", headers: "default" },
      { kind: "delete", outcome: "fail", headers: "default" },
      { kind: "migrate", outcome: "cancel", headers: "default" },
    ];
    const started: { rowId: string; kind: Kind; outcome: Outcome; headers: HeaderModel }[] = [];
    for (const step of plan) {
      const ids = await start(step.kind, { count: step.count ?? 1, seconds: 3, outcome: step.outcome, headers: step.headers });
      for (const rowId of ids) started.push({ rowId, ...step });
    }

    const rows = await waitForRows(
      started.map((entry) => entry.rowId),
      terminalRow,
    );

    for (const [index, row] of rows.entries()) {
      const planned = started[index]!;
      const expectedHeaders = planned.headers !== "default" ? planned.headers : planned.kind === "create" ? "azure-async-operation" : "location";
      expect(row.status, `${row.rowId} ${planned.kind} ${planned.outcome}`).toBe(rowWord[planned.outcome]);
      const server_ = snapshot(row.operationId);
      expect(server_).toMatchObject({
        kind: planned.kind,
        outcome: planned.outcome,
        lroHeaders: expectedHeaders,
        terminal: true,
        status: serverWord[row.status],
      });
      // A poll told the page it had ended; every poll the server answered reached the row (plus,
      // for a POST with both headers, the final GET of its Location, which the server counts as
      // a Location poll and the library as the result fetch).
      expect(server_.terminalServedAt).toBeDefined();
      expect(server_.polls, `${planned.kind} ${expectedHeaders}: ${JSON.stringify(server.requests(server_.id).map((r) => [r.kind, r.status]))}`).toBe(
        row.polls + finalLocationGets(planned.kind, expectedHeaders, planned.outcome),
      );
      expect(row.polls).toBeGreaterThanOrEqual(1);
      const requests = server.requests(server_.id);
      expect(requests.filter((request) => request.kind === "initial")).toHaveLength(1);
      expect(requests.every((request) => [200, 201, 202, 204].includes(request.status))).toBe(true);
      // A PUT followed by its status monitor fetches the resource at the end (original-uri).
      if (planned.kind === "create" && planned.outcome === "succeed" && expectedHeaders === "azure-async-operation") {
        expect(server_.resourceGets).toBe(1);
      }
    }
    expect(JSON.parse((await page.getAttribute("#summary", "data-counts")) ?? "{}")).toEqual({ succeeded: 7, failed: 2, canceled: 1, total: 10 });
    expect(await page.textContent("#summary")).toBe("10 operations · 7 succeeded · 2 failed · 1 canceled");
    expect(await storedRowIds()).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("cancel stops polling at once (aborting a poll in flight) while the operation finishes on the server", async () => {
    // A and B will be cancelled; the other two keep running, and show the cancel is per row.
    const [a, b] = (await start("create", { count: 2, seconds: 6 })) as [string, string];
    const others = [...(await start("update", { seconds: 6, headers: "both" })), ...(await start("migrate", { seconds: 6, headers: "both" }))];
    const [rowA, rowB] = (await waitForRows([a, b], (row) => row.operationId !== undefined && row.polls >= 1 && row.status === "running")) as [Row, Row];
    const opA = rowA.operationId as string;
    const opB = rowB.operationId as string;

    // B: cancel while its next poll is held by the server, so a request is certainly in flight.
    const hold = holdNextPoll(opB);
    const heldPoll = await hold.arrived;
    const polledB = (await rowsById([b]))[0]!.polls;
    await page.click(`tr[data-row-id="${b}"] button.cancel`);
    // A: cancel whenever it is, most likely between two polls (waiting for its Retry-After).
    await page.click(`tr[data-row-id="${a}"] button.cancel`);
    const [stoppedA, stoppedB] = (await rowsById([a, b])) as [Row, Row];
    expect([stoppedA.status, stoppedB.status]).toEqual(["stopped", "stopped"]);
    // Let the server see the aborted connection before the held answer would be written.
    await sleep(500);
    hold.release();
    server.setHooks(undefined);
    // Into the scratch dir: a test run leaves the working tree as it found it. `npm run screenshot`
    // points RX_LRO_SCREENSHOT at the committed examples/browser-dashboard/screenshot.png.
    const screenshotPath = process.env.RX_LRO_SCREENSHOT ?? join(workDir, "screenshot.png");
    const png = await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");

    // Wait for the operations to end on the server, then two more Retry-After periods for a stray poll.
    const lastEnd = Math.max(snapshot(opA).endTime, snapshot(opB).endTime);
    await sleep(Math.max(0, lastEnd - server.now()) + 2_500);

    const cancelledA = stoppedA.cancelledAt as number;
    const cancelledB = stoppedB.cancelledAt as number;
    expect(cancelledA).toBeGreaterThan(0);
    expect(cancelledB).toBeGreaterThan(0);

    // B: the held poll arrived before the cancel and was abandoned by the client (recorded with
    // status 0: the browser closed the connection when the fetch was aborted); nothing after it.
    expect(heldPoll.at).toBeLessThanOrEqual(cancelledB);
    const heldRecord = server.requests(opB).find((request) => request.seq === heldPoll.seq);
    expect(heldRecord).toMatchObject({ kind: "statusPoll", status: 0 });
    expect(server.pollsAfter(opB, cancelledB)).toBe(0);
    expect(server.pollsAfter(opB, heldPoll.at)).toBe(0);
    expect(snapshot(opB).polls).toBe(polledB + 1);

    // A: no poll after the cancel, except at most one the browser had already sent, which must
    // then have reached the server within 250 ms of the click (loopback). The row kept the count it
    // had; the server may have answered that one poll the row never saw.
    expect(server.pollsAfter(opA, cancelledA)).toBeLessThanOrEqual(1);
    expect(server.pollsAfter(opA, cancelledA + 250)).toBe(0);
    expect(snapshot(opA).polls - stoppedA.polls).toBeGreaterThanOrEqual(0);
    expect(snapshot(opA).polls - stoppedA.polls).toBeLessThanOrEqual(1);

    for (const [row, operationId] of [
      [stoppedA, opA],
      [stoppedB, opB],
    ] as const) {
      const after = snapshot(operationId);
      // The operation itself went on and finished on the server…
      expect(after).toMatchObject({ terminal: true, status: "Succeeded" });
      // …with no one told: no poll after the cancel, so none saw it end.
      expect(after.terminalServedAt).toBeUndefined();
      // Nothing was sent to cancel it: one initial PUT, then polls only; no other request on the widget.
      const requests = server.requests(operationId);
      expect(requests.map((request) => request.kind).filter((kind) => kind !== "statusPoll")).toEqual(["initial"]);
      const onWidget = server.requests().filter((request) => request.path.endsWith(`/widgets/${row.widget}`));
      expect(onWidget.map((request) => request.method)).toEqual(["PUT"]);
    }

    // The rows stayed stopped, with the poll count they had, and left localStorage.
    const [finalA, finalB] = (await rowsById([a, b])) as [Row, Row];
    expect(finalA).toEqual(stoppedA);
    expect(finalB).toEqual(stoppedB);
    expect(finalB.polls).toBe(polledB);
    const stored = await storedRowIds();
    expect(stored).not.toContain(a);
    expect(stored).not.toContain(b);

    // The others were polled after the cancels and finished.
    const otherRows = await waitForRows(others, terminalRow, 5_000);
    for (const row of otherRows) {
      expect(row.status).toBe("succeeded");
      expect(server.pollsAfter(row.operationId as string, Math.max(cancelledA, cancelledB))).toBeGreaterThanOrEqual(1);
      expect(snapshot(row.operationId).polls).toBe(row.polls + finalLocationGets(row.kind, "both", "succeed"));
    }
    expect(pageErrors).toEqual([]);
  });

  it("resumes the unfinished operations from localStorage after a reload", async () => {
    const ids = [
      ...(await start("create", { seconds: 5 })),
      ...(await start("update", { seconds: 5 })),
      ...(await start("migrate", { seconds: 5, headers: "both" })),
      ...(await start("create", { seconds: 5, outcome: "fail" })),
    ];
    const before = await waitForRows(ids, (row) => row.operationId !== undefined && row.polls >= 1 && row.status === "running");
    // Only these run: every earlier row is terminal or stopped, and left storage.
    expect(await storedRowIds()).toEqual([...ids].sort());

    // A stored entry whose token resumeLro refuses: its row shows the error, and it is dropped.
    const bogus = { rowId: "bogus", kind: "create", widget: "w-bogus", startedAt: 0, token: "not a token" };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [storagePrefix + bogus.rowId, JSON.stringify(bogus)] as const);
    // A well-formed token forged for another host: refused before any request goes there.
    const forgedToken = Buffer.from(
      JSON.stringify({ v: 1, s: "azureAsyncOperation", m: "PUT", u: "https://evil.example/w", p: "https://evil.example/op" }),
    ).toString("base64url");
    const forged = { rowId: "forged", kind: "create", widget: "w-forged", startedAt: 1, token: forgedToken };
    await page.evaluate(([key, value]) => localStorage.setItem(key, value), [storagePrefix + forged.rowId, JSON.stringify(forged)] as const);

    const reloadAt = server.now();
    await page.reload();
    await page.waitForSelector("body[data-ready]");
    const restored = await readRows();
    expect(restored.map((row) => row.rowId)).toEqual(["bogus", "forged", ...ids]);
    expect(restored.every((row) => row.resumed)).toBe(true);
    expect(restored[0]).toMatchObject({ status: "error", operationId: undefined, polls: 0 });
    expect(await page.textContent('tr[data-row-id="bogus"] td.provider')).toMatch(/^TypeError: Invalid continuation token/);
    expect(restored[1]).toMatchObject({ status: "error", operationId: undefined, polls: 0 });
    expect(await page.textContent('tr[data-row-id="forged"] td.provider')).toMatch(
      /^LroUrlRejectedError: Refused to follow "https:\/\/evil\.example\/w": the token's host evil\.example is neither/,
    );

    const after = await waitForRows(ids, terminalRow, 12_000);
    for (const [index, row] of after.entries()) {
      const operationId = before[index]!.operationId;
      expect(row.operationId).toBe(operationId);
      const server_ = snapshot(operationId);
      expect(row.status).toBe(index === 3 ? "failed" : "succeeded");
      expect(server_.status).toBe(serverWord[row.status]);
      // The resumed page polled it: after the reload, and up to the end.
      expect(row.polls).toBeGreaterThanOrEqual(1);
      expect(server.pollsAfter(server_.id, reloadAt)).toBeGreaterThanOrEqual(row.polls);
      expect(server_.terminalServedAt).toBeGreaterThan(reloadAt);
    }
    expect(await storedRowIds()).toEqual([]);
    expect(await page.textContent("#summary")).toBe("6 operations · 3 succeeded · 1 failed · 2 errors");

    // Every row is done: "Clear finished" empties the list.
    await page.click("#clear");
    expect(await readRows()).toEqual([]);
    expect(await page.textContent("#summary")).toBe("0 operations");
    expect(await page.isVisible("#empty")).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
