/**
 * The load test: N operations begun against the loopback ARM server and followed through one
 * `createLroHub`, then checked against the server's own record (terminal status per operation
 * id, request counts by kind and status, polls per operation), the hub's request budget, the
 * pacing of polls behind Retry-After, and (with `--expose-gc`) the heap returning to its
 * baseline once the hub has forgotten every operation.
 *
 * Each operation is begun with `beginLro(…).pipe(take(1))`: the initial request, and its first
 * state. `take(1)` unsubscribes `beginLro` before its first poll, and the state goes to
 * `hub.watch(state)`, which owns the polling from then on (its first poll no sooner than the
 * initial response's Retry-After). So initial requests do not pass the hub's gate (they are
 * bounded by `beginConcurrency` here), and every poll and final GET does.
 * @module
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
import {
  createDefaultHttpClient,
  createPipelineFromOptions,
  type HttpClient,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import { firstValueFrom, take, type Subscription } from "rxjs";
import { beginLro, createLroHub, type LroHub, type LroRequest, type LroState, type LroSummary } from "../lib/index.js";
import { settleHeap as settleHeapAfter, sleep } from "../bench/report.js";
import { armRequestKinds, CountingHttpClient, type ArmRequestKind } from "./counting-client.js";
import { earlyToleranceMs, type LoadServer, type OperationRecord, type PacingSummary, type ServerRecord } from "./server-host.js";

export type Outcome = "succeed" | "fail" | "cancel";
export type Kind = "create" | "replace" | "update" | "delete" | "restart" | "migrate";
type HeaderModel = "azure-async-operation" | "location" | "both";

/** One operation of the plan. */
export interface PlannedOperation {
  readonly index: number;
  readonly widget: string;
  readonly kind: Kind;
  readonly lroHeaders: HeaderModel;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** Seconds, or `null` for no Retry-After header (the client's jittered interval applies). */
  readonly retryAfter: 1 | null;
  /** Whether a second watcher subscribes to it later (the hub must share one loop). */
  readonly sharedWatch: boolean;
}

/** The operations on one widget: its creation first, then the others once it exists. */
interface Group {
  readonly create: PlannedOperation;
  readonly then: readonly PlannedOperation[];
}

export interface LoadOptions {
  /** Operations to begin. */
  readonly count: number;
  /** The hub's `maxConcurrentPolls`. */
  readonly maxConcurrentPolls: number;
  /** Initial requests in flight at most (they do not pass the hub's gate). */
  readonly beginConcurrency: number;
  /** Operation durations on the server, uniform in `[min, max]` ms. */
  readonly durationMs: readonly [number, number];
  /** The fallback interval when a response has no Retry-After. @defaultValue 2000 (the library's default) */
  readonly intervalInMs?: number;
  /** The jitter of that interval. @defaultValue 0.2 (the hub's default) */
  readonly intervalJitter?: number;
  /** The share of operations whose responses carry no Retry-After. @defaultValue 0.25 */
  readonly noRetryAfterShare?: number;
  /** Every n-th operation gets a second, later watcher. @defaultValue 10 */
  readonly sharedWatchEvery?: number;
  /** Subscribe to `hub.summary$` for the whole run, as a dashboard would. @defaultValue true */
  readonly watchSummary?: boolean;
  /** Seed of the plan's pseudo-random choices. @defaultValue 1 */
  readonly seed?: number;
  /** Give up (and fail) after this long. */
  readonly deadlineMs: number;
  /** Measure the heap (needs `--expose-gc`). */
  readonly measureMemory?: boolean;
  /** The heap may end this many bytes above its baseline. @defaultValue 2 MiB */
  readonly memoryToleranceBytes?: number;
  /** The server, started (and reset) by the caller. */
  readonly server: LoadServer;
  /** The pipeline and HTTP client to send with; shared with a warm-up run so both use the same sockets. */
  readonly transport?: { readonly pipeline: Pipeline; readonly httpClient: HttpClient };
  /** Told every `progressEveryMs`. */
  readonly onProgress?: (progress: Progress) => void;
  /** @defaultValue 1000 */
  readonly progressEveryMs?: number;
}

export interface Progress {
  readonly elapsedMs: number;
  readonly begun: number;
  readonly finished: number;
  readonly running: number;
  readonly requests: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly summary: LroSummary | undefined;
}

type LibraryStatus = "succeeded" | "failed" | "canceled" | "error" | "unfinished";
type ServerStatus = "Succeeded" | "Failed" | "Canceled" | "running";

export interface Check {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

export interface MemoryFigures {
  /** Heap used after GC, after the warm-up and before the first operation. */
  readonly baseline: number;
  /** Heap used after one forced GC the moment the last operation was begun, and how many were running then. */
  readonly liveAllBegun: number;
  readonly runningAllBegun: number;
  /** How long that forced GC paused the run. */
  readonly gcPauseMs: number;
  /** The most heap used, sampled every 100 ms (garbage included). */
  readonly peak: number;
  /** Heap used after GC, every operation finished and forgotten by the hub (which is still alive), the harness's bookkeeping dropped. */
  readonly afterForgotten: number;
  /** The same, after dropping the hub too. */
  readonly afterDropped: number;
  readonly tolerance: number;
  readonly rssBaseline: number;
  readonly rssPeak: number;
  readonly rssAfter: number;
}

export interface LoadReport {
  readonly count: number;
  readonly server: LoadServer["where"];
  readonly maxConcurrentPolls: number;
  readonly beginConcurrency: number;
  readonly wallMs: number;
  /** From the first initial request to the last one answered. */
  readonly beginMs: number;
  readonly maxRunning: number;
  /** Operations whose initial response came back and that the hub then watched. */
  readonly begun: number;
  readonly deadlineHit: boolean;
  /** Terminal status per kind, as the library saw it and as the server's record says. */
  readonly byKind: Readonly<Record<Kind, { library: Record<LibraryStatus, number>; server: Record<ServerStatus, number> }>>;
  readonly library: Readonly<Record<LibraryStatus, number>>;
  readonly serverStatus: Readonly<Record<ServerStatus, number>>;
  readonly statusMismatches: number;
  readonly mismatchExamples: readonly string[];
  readonly beginErrors: readonly string[];
  readonly streamErrors: readonly string[];
  readonly sharedWatchers: { readonly total: number; readonly agreeing: number };
  readonly summaryAtEnd: LroSummary | undefined;
  readonly summaryAfterForget: LroSummary | undefined;
  readonly requests: {
    readonly client: { readonly total: number; readonly byKind: Readonly<Record<ArmRequestKind, number>>; readonly byStatus: Readonly<Record<string, number>>; readonly transportErrors: number };
    readonly server: { readonly total: number; readonly byKind: Readonly<Record<ArmRequestKind, number>>; readonly byStatus: Readonly<Record<string, number>>; readonly abandoned: number };
    readonly perOperationPollMismatches: number;
  };
  readonly inFlight: {
    readonly max: number;
    readonly maxGets: number;
    readonly maxInitial: number;
    readonly overBudget: number;
  };
  readonly pacing: PacingSummary;
  readonly eventLoopDelay: { readonly p99Ms: number; readonly maxMs: number };
  /** CPU time of this process during the run, and of the server's (when it has its own process). */
  readonly cpu: { readonly clientMs: number; readonly serverMs?: number };
  readonly memory?: MemoryFigures;
  readonly checks: readonly Check[];
  readonly ok: boolean;
}

/** A small seeded PRNG (mulberry32): the same plan for the same seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The plan: widgets in groups. Most groups are a creation followed by an update, a restart, a
 * migration and a replacement of the same widget (nothing there deletes it, so every final GET
 * of the resource finds it); every third group is a creation followed by a deletion, the
 * creation followed by its Location header so that no final GET of the resource can race the
 * deletion. Outcomes 55% succeed, 30% fail, 15% cancel; header models rotate; a quarter of the
 * operations answer without Retry-After.
 */
export function plan(options: Pick<LoadOptions, "count" | "durationMs" | "noRetryAfterShare" | "sharedWatchEvery" | "seed">): Group[] {
  const next = random(options.seed ?? 1);
  const [minDuration, maxDuration] = options.durationMs;
  const noRetryAfter = options.noRetryAfterShare ?? 0.25;
  const sharedEvery = options.sharedWatchEvery ?? 10;
  const models: readonly HeaderModel[] = ["azure-async-operation", "location", "both"];
  const groups: Group[] = [];
  let index = 0;
  const make = (widget: string, kind: Kind, lroHeaders?: HeaderModel): PlannedOperation => {
    const roll = next();
    const operation: PlannedOperation = {
      index,
      widget,
      kind,
      lroHeaders: lroHeaders ?? models[index % models.length]!,
      outcome: roll < 0.55 ? "succeed" : roll < 0.85 ? "fail" : "cancel",
      durationMs: Math.round(minDuration + next() * (maxDuration - minDuration)),
      retryAfter: next() < noRetryAfter ? null : 1,
      sharedWatch: sharedEvery > 0 && index % sharedEvery === 0,
    };
    index++;
    return operation;
  };
  for (let group = 0; index < options.count; group++) {
    const widget = `load-${group}`;
    const deleting = group % 3 === 2;
    const create = make(widget, "create", deleting ? "location" : undefined);
    const kinds: readonly Kind[] = deleting ? ["delete"] : ["update", "restart", "migrate", "replace"];
    const then: PlannedOperation[] = [];
    for (const kind of kinds) if (index < options.count) then.push(make(widget, kind));
    groups.push({ create, then });
  }
  return groups;
}

const kindRequest: Readonly<Record<Kind, { method: LroRequest["method"]; action?: "restart" | "migrate"; json?: (index: number) => unknown }>> = {
  create: { method: "PUT", json: (index) => ({ location: "westeurope", properties: { size: index % 10 } }) },
  replace: { method: "PUT", json: (index) => ({ location: "westeurope", properties: { size: (index % 10) + 1 } }) },
  update: { method: "PATCH", json: (index) => ({ properties: { color: index % 2 === 0 ? "red" : "blue" } }) },
  delete: { method: "DELETE" },
  restart: { method: "POST", action: "restart" },
  migrate: { method: "POST", action: "migrate", json: () => ({ targetLocation: "northeurope", items: 7 }) },
};

function requestOf(baseUrl: string, operation: PlannedOperation): LroRequest {
  const shape = kindRequest[operation.kind];
  const query = new URLSearchParams({
    "api-version": "2024-01-01",
    duration: String(operation.durationMs),
    outcome: operation.outcome,
    retryAfter: operation.retryAfter === null ? "none" : String(operation.retryAfter),
    lroHeaders: operation.lroHeaders,
  });
  const path = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/load-rg/providers/Microsoft.Demo/widgets/${operation.widget}${shape.action === undefined ? "" : `/${shape.action}`}`;
  const json = shape.json?.(operation.index);
  return { url: `${baseUrl}${path}?${query.toString()}`, method: shape.method, allowInsecureConnection: true, ...(json === undefined ? {} : { json }) };
}

/** At most `size` holders at a time, served in arrival order. */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next !== undefined) next();
    else this.#free++;
  }
}

/** Heap used after garbage collection has settled, timers included (needs `--expose-gc`). */
export const settleHeap = () => settleHeapAfter({ rounds: 12, toleranceBytes: 16 * 1024, pauseMs: 5 });

const zeroLibrary = (): Record<LibraryStatus, number> => ({ succeeded: 0, failed: 0, canceled: 0, error: 0, unfinished: 0 });
const zeroServer = (): Record<ServerStatus, number> => ({ Succeeded: 0, Failed: 0, Canceled: 0, running: 0 });
const kinds: readonly Kind[] = ["create", "replace", "update", "delete", "restart", "migrate"];

function serverStatusOf(record: OperationRecord): ServerStatus {
  return record.status === "Succeeded" || record.status === "Failed" || record.status === "Canceled" ? record.status : "running";
}

const toLibraryWord: Readonly<Record<ServerStatus, LibraryStatus>> = { Succeeded: "succeeded", Failed: "failed", Canceled: "canceled", running: "unfinished" };

/** What the run leaves behind for the memory measurement: only the hub (and the client), held here. */
interface Leftover {
  hub: LroHub | undefined;
  client: CountingHttpClient | undefined;
}

interface DriveResult extends Omit<LoadReport, "memory" | "checks" | "ok" | "pacing" | "requests" | "statusMismatches" | "mismatchExamples" | "byKind" | "serverStatus"> {
  readonly record: ServerRecord;
  readonly liveAllBegun?: { readonly heap: number; readonly running: number; readonly gcPauseMs: number };
  readonly libraryById: Map<string, LibraryStatus>;
  readonly clientPolls: Map<string, number>;
}

/**
 * Begins every planned operation, follows each through the hub to its end, and forgets it in
 * the hub once the run is over. Returns the figures; the hub and its client go to `leftover`.
 */
async function drive(options: LoadOptions, leftover: Leftover, peak: () => void): Promise<DriveResult> {
  const { server, maxConcurrentPolls, beginConcurrency } = options;
  const transport = options.transport ?? { pipeline: createPipelineFromOptions({}), httpClient: createDefaultHttpClient() };
  const client = new CountingHttpClient(transport.httpClient, maxConcurrentPolls);
  const common = {
    pipeline: transport.pipeline,
    httpClient: client,
    intervalInMs: options.intervalInMs ?? 2000,
    // The hub jitters its fallback interval by default; beginLro does not, and the first state's
    // nextPollInMs (which the hub honours) comes from beginLro: give it the same jitter.
    intervalJitter: options.intervalJitter ?? 0.2,
  };
  // The hub watches states begun on the loopback server: a host no default trusts.
  const hub = createLroHub({ ...common, maxConcurrentPolls, pauseWhenHidden: false, allowedHosts: [new URL(server.url).host] });
  leftover.hub = hub;
  leftover.client = client;

  const groups = plan(options);
  const planned = groups.reduce((sum, group) => sum + 1 + group.then.length, 0);
  const libraryById = new Map<string, LibraryStatus>();
  const forgetTargets: string[] = [];
  const beginErrors: string[] = [];
  const streamErrors: string[] = [];
  const active = new Map<number, Subscription>();
  const sharedResults: [string, LibraryStatus][] = [];
  const laterTimers = new Set<NodeJS.Timeout>();
  const lateWatchers = new Set<Subscription>();
  let sharedPlanned = 0;
  let begun = 0;
  let finished = 0;
  let running = 0;
  let maxRunning = 0;
  let lastBeginAt = 0;
  let summary: LroSummary | undefined;
  let liveAllBegun: { heap: number; running: number; gcPauseMs: number } | undefined;

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const summarySubscription = options.watchSummary === false ? undefined : hub.summary$.subscribe((value) => (summary = value));

  let allDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const settledOne = () => {
    if (finished + beginErrors.length === planned && sharedResults.length === sharedPlanned) allDone();
  };

  const follow = (operation: PlannedOperation, id: string, first: LroState) => {
    forgetTargets.push(first.continuationToken);
    libraryById.set(id, "unfinished");
    running++;
    maxRunning = Math.max(maxRunning, running);
    let last: LroState | undefined;
    let closed = false;
    const end = (status: LibraryStatus) => {
      closed = true;
      active.delete(operation.index);
      libraryById.set(id, status);
      running--;
      finished++;
      settledOne();
    };
    const subscription = hub.watch(first).subscribe({
      next: (state) => (last = state),
      complete: () => end(last === undefined || last.status === "running" || last.status === "notStarted" ? "unfinished" : last.status),
      error: (error: unknown) => {
        streamErrors.push(`${operation.kind} ${id}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        end("error");
      },
    });
    if (!closed) active.set(operation.index, subscription);
    if (operation.sharedWatch) {
      // A second watcher, half a second later, through a second watch() call: it must join the
      // same loop and see the same end. A second loop would poll the operation again right after
      // the first loop's answer, which the pacing checks (never before Retry-After, never sooner
      // than the fallback interval) would catch.
      sharedPlanned++;
      const timer = setTimeout(() => {
        laterTimers.delete(timer);
        let seen: LroState | undefined;
        let late: Subscription | undefined;
        let lateClosed = false;
        late = hub.watch(first).subscribe({
          next: (state) => (seen = state),
          complete: () => {
            lateClosed = true;
            if (late !== undefined) lateWatchers.delete(late);
            sharedResults.push([id, (seen?.status as LibraryStatus | undefined) ?? "unfinished"]);
            settledOne();
          },
          error: () => {
            lateClosed = true;
            if (late !== undefined) lateWatchers.delete(late);
            sharedResults.push([id, "error"]);
            settledOne();
          },
        });
        if (!lateClosed) lateWatchers.add(late);
      }, 500);
      laterTimers.add(timer);
    }
  };

  const slots = new Slots(beginConcurrency);
  let stopped = false;
  const begin = async (operation: PlannedOperation): Promise<boolean> => {
    await slots.acquire();
    if (stopped) {
      slots.release();
      return false;
    }
    let first: LroState;
    try {
      first = await firstValueFrom(beginLro(requestOf(server.url, operation), common).pipe(take(1)));
    } catch (error) {
      beginErrors.push(`${operation.kind} ${operation.widget}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      settledOne();
      return false;
    } finally {
      slots.release();
    }
    if (stopped) return false;
    begun++;
    lastBeginAt = performance.now();
    const id = first.rawResponse?.headers.get("x-demo-operation-id");
    if (id === undefined) {
      beginErrors.push(`${operation.kind} ${operation.widget}: no x-demo-operation-id on the initial response (HTTP ${first.httpStatus})`);
      settledOne();
      return false;
    }
    follow(operation, id, first);
    if (begun === options.count && options.measureMemory === true && globalThis.gc !== undefined) {
      // The live heap with (nearly) every operation watched: one full GC, here, pauses the run once.
      const gcStart = performance.now();
      globalThis.gc();
      liveAllBegun = { heap: process.memoryUsage().heapUsed, running, gcPauseMs: performance.now() - gcStart };
    }
    return true;
  };

  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const progressTimer =
    options.onProgress === undefined
      ? undefined
      : setInterval(() => {
          options.onProgress?.({
            elapsedMs: performance.now() - started,
            begun,
            finished,
            running,
            requests: client.total,
            inFlight: hub.load.inFlight,
            queued: hub.load.queued,
            summary,
          });
        }, options.progressEveryMs ?? 1000);
  const peakTimer = setInterval(peak, 100);

  for (const group of groups) {
    void begin(group.create).then(async (created) => {
      if (created) {
        await Promise.all(group.then.map(begin));
      } else {
        // The widget does not exist: the rest of the group cannot begin.
        for (const operation of group.then) beginErrors.push(`${operation.kind} ${operation.widget}: not begun (its creation failed)`);
        settledOne();
      }
    });
  }

  let deadlineTimer: NodeJS.Timeout | undefined;
  const deadlineHit = await Promise.race([
    done.then(() => false),
    new Promise<boolean>((resolve) => (deadlineTimer = setTimeout(() => resolve(true), options.deadlineMs))),
  ]);
  clearTimeout(deadlineTimer);
  // Past the deadline, nothing more is begun or followed.
  stopped = true;
  const wallMs = performance.now() - started;
  const cpuUsed = process.cpuUsage(cpuAtStart);
  const beginMs = lastBeginAt - started;
  clearInterval(progressTimer);
  clearInterval(peakTimer);
  peak();
  for (const subscription of active.values()) subscription.unsubscribe();
  active.clear();
  for (const timer of laterTimers) clearTimeout(timer);
  for (const subscription of lateWatchers) subscription.unsubscribe();
  lateWatchers.clear();
  loopDelay.disable();

  // states$ is batched per tick: let the last batch through, then read the summary.
  await sleep(20);
  const summaryAtEnd = summary;
  for (const target of forgetTargets) hub.forget(target);
  forgetTargets.length = 0;
  await sleep(20);
  const summaryAfterForget = summary;
  summarySubscription?.unsubscribe();

  // Nothing is in flight any more: the server's record is final.
  const record = await server.record();
  const library = zeroLibrary();
  for (const status of libraryById.values()) library[status]++;
  const agreeing = sharedResults.filter(([id, status]) => libraryById.get(id) === status).length;
  return {
    count: options.count,
    server: server.where,
    maxConcurrentPolls,
    beginConcurrency,
    wallMs,
    beginMs,
    maxRunning,
    begun,
    deadlineHit,
    library,
    beginErrors,
    streamErrors,
    sharedWatchers: { total: sharedPlanned, agreeing },
    summaryAtEnd,
    summaryAfterForget,
    inFlight: { max: client.maxInFlight, maxGets: client.maxInFlightGets, maxInitial: client.maxInFlightOthers, overBudget: client.overBudget },
    eventLoopDelay: { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6 },
    ...(liveAllBegun === undefined ? {} : { liveAllBegun }),
    cpu: { clientMs: (cpuUsed.user + cpuUsed.system) / 1000, ...(record.cpuMs === undefined ? {} : { serverMs: record.cpuMs }) },
    record,
    libraryById,
    clientPolls: client.pollsByOperation,
  };
}

const formatMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/** Compares what the library saw and sent with the server's record, and decides every check. */
function judge(options: LoadOptions, result: DriveResult, client: CountingHttpClient): Omit<LoadReport, "memory" | "ok"> {
  const { record, libraryById, clientPolls } = result;
  const { stats } = record;
  const byKind = Object.fromEntries(kinds.map((kind) => [kind, { library: zeroLibrary(), server: zeroServer() }])) as Record<
    Kind,
    { library: Record<LibraryStatus, number>; server: Record<ServerStatus, number> }
  >;
  const serverStatus = zeroServer();
  let statusMismatches = 0;
  const mismatchExamples: string[] = [];
  let perOperationPollMismatches = 0;
  let notServedTerminal = 0;
  const seen = new Set<string>();
  for (const operation of record.operations) {
    const status = serverStatusOf(operation);
    serverStatus[status]++;
    const row = byKind[operation.kind];
    row.server[status]++;
    const library = libraryById.get(operation.id);
    seen.add(operation.id);
    if (library !== undefined) row.library[library]++;
    if (library !== toLibraryWord[status]) {
      statusMismatches++;
      if (mismatchExamples.length < 5) mismatchExamples.push(`${operation.kind} ${operation.id}: library ${library ?? "never saw it"}, server ${operation.status}`);
    }
    if ((clientPolls.get(operation.id) ?? 0) !== operation.polls) perOperationPollMismatches++;
    if (operation.terminalServedAt === undefined) notServedTerminal++;
  }
  for (const [id, status] of libraryById) {
    if (seen.has(id)) continue;
    statusMismatches++;
    if (mismatchExamples.length < 5) mismatchExamples.push(`${id}: library ${status}, not in the server's record`);
  }

  const serverByKind: Record<ArmRequestKind, number> = {
    initial: stats.requests.byKind.initial,
    statusPoll: stats.requests.byKind.statusPoll,
    locationPoll: stats.requests.byKind.locationPoll,
    resourceGet: stats.requests.byKind.resourceGet,
    other: stats.requests.total - stats.requests.arm,
  };
  const requests: LoadReport["requests"] = {
    client: { total: client.total, byKind: { ...client.byKind }, byStatus: { ...client.byStatus }, transportErrors: client.transportErrors },
    server: { total: stats.requests.total, byKind: serverByKind, byStatus: { ...stats.requests.byStatus }, abandoned: stats.requests.abandoned },
    perOperationPollMismatches,
  };
  const same = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) => {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => (a[key] ?? 0) === (b[key] ?? 0));
  };
  const show = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .filter(([, value]) => value !== 0)
      .map(([key, value]) => `${key} ${value}`)
      .join(", ");

  const { library, summaryAtEnd, summaryAfterForget } = result;
  const checks: Check[] = [];
  const check = (name: string, pass: boolean, detail: string) => checks.push({ name, pass, detail });
  check("finished before the deadline", !result.deadlineHit, result.deadlineHit ? `gave up after ${options.deadlineMs} ms` : `${(result.wallMs / 1000).toFixed(1)} s`);
  check(
    "every operation begun",
    result.beginErrors.length === 0 && result.begun === options.count,
    `${result.begun} of ${options.count} begun${result.beginErrors.length === 0 ? "" : `; ${result.beginErrors.length} failed, e.g. ${result.beginErrors[0]}`}`,
  );
  check(
    "every stream ended in a terminal state",
    library.error === 0 && library.unfinished === 0 && libraryById.size === options.count,
    `${libraryById.size} followed; ${library.error} errors, ${library.unfinished} unfinished${result.streamErrors.length > 0 ? `, e.g. ${result.streamErrors[0]}` : ""}`,
  );
  check(
    "server holds exactly these operations, all terminal",
    stats.operations.created === options.count && stats.operations.evicted === 0 && record.operations.length === options.count && serverStatus.running === 0,
    `created ${stats.operations.created}, held ${record.operations.length}, evicted ${stats.operations.evicted}, running ${serverStatus.running}`,
  );
  check("terminal status per operation id: library = server", statusMismatches === 0, statusMismatches === 0 ? `${record.operations.length} of ${record.operations.length} agree` : `${statusMismatches} disagree, e.g. ${mismatchExamples[0]}`);
  check("every end was served by a poll", notServedTerminal === 0, `${record.operations.length - notServedTerminal} of ${record.operations.length}`);
  check(
    "late watchers shared the loop and saw the same end",
    result.sharedWatchers.agreeing === result.sharedWatchers.total,
    `${result.sharedWatchers.agreeing} of ${result.sharedWatchers.total}`,
  );
  if (options.watchSummary !== false) {
    const expected = { succeeded: library.succeeded, failed: library.failed, canceled: library.canceled, running: 0, notStarted: 0, total: options.count };
    const atEnd = summaryAtEnd;
    check(
      "hub.summary$ at the end = the library's counts; 0 after forget",
      atEnd !== undefined && same(atEnd, expected) && summaryAfterForget?.total === 0,
      `${atEnd === undefined ? "none" : show(atEnd)}; after forget total ${summaryAfterForget?.total ?? "none"}`,
    );
  }
  check("requests: client total = server total", requests.client.total === requests.server.total, `client ${requests.client.total}, server ${requests.server.total}`);
  check("requests by kind: client = server", same(requests.client.byKind, requests.server.byKind), `client ${show(requests.client.byKind)}; server ${show(requests.server.byKind)}`);
  check("responses by status: client = server", same(requests.client.byStatus, requests.server.byStatus) && requests.client.transportErrors === 0 && requests.server.abandoned === 0, `client ${show(requests.client.byStatus)}; server ${show(requests.server.byStatus)}; transport errors ${requests.client.transportErrors}, abandoned ${requests.server.abandoned}`);
  check("polls per operation id: client = server", perOperationPollMismatches === 0, `${record.operations.length - perOperationPollMismatches} of ${record.operations.length} agree`);
  check(
    "polls in flight ≤ maxConcurrentPolls",
    result.inFlight.maxGets <= options.maxConcurrentPolls && result.inFlight.overBudget === 0,
    `max ${result.inFlight.maxGets}, limit ${options.maxConcurrentPolls}`,
  );
  check(
    "all requests in flight ≤ maxConcurrentPolls + initial requests in flight",
    result.inFlight.max <= options.maxConcurrentPolls + options.beginConcurrency && result.inFlight.maxInitial <= options.beginConcurrency,
    `max ${result.inFlight.max}, limit ${options.maxConcurrentPolls} + ${options.beginConcurrency} (initial requests: max ${result.inFlight.maxInitial}, limit ${options.beginConcurrency})`,
  );
  const fallbackFloor = (options.intervalInMs ?? 2000) * (1 - (options.intervalJitter ?? 0.2)) - earlyToleranceMs;
  check(
    "no fallback poll sooner than intervalInMs × (1 − jitter)",
    record.pacing.fallbackPolls === 0 || record.pacing.fallbackGapMinMs >= fallbackFloor,
    `shortest gap ${record.pacing.fallbackGapMinMs.toFixed(1)} ms, floor ${fallbackFloor.toFixed(0)} ms, over ${record.pacing.fallbackPolls} polls`,
  );
  check("no poll before its Retry-After (server's clock)", record.pacing.early === 0, `${record.pacing.early} early of ${record.pacing.retryAfterPolls}; earliest ${record.pacing.latenessMinMs.toFixed(2)} ms`);
  return {
    count: options.count,
    server: result.server,
    maxConcurrentPolls: options.maxConcurrentPolls,
    beginConcurrency: options.beginConcurrency,
    wallMs: result.wallMs,
    beginMs: result.beginMs,
    maxRunning: result.maxRunning,
    begun: result.begun,
    deadlineHit: result.deadlineHit,
    byKind,
    library,
    serverStatus,
    statusMismatches,
    mismatchExamples,
    beginErrors: result.beginErrors,
    streamErrors: result.streamErrors,
    sharedWatchers: result.sharedWatchers,
    summaryAtEnd,
    summaryAfterForget,
    requests,
    inFlight: result.inFlight,
    pacing: record.pacing,
    eventLoopDelay: result.eventLoopDelay,
    cpu: result.cpu,
    checks,
  };
}

/** Runs the load test against `options.server` (started, and reset, by the caller). */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const measure = options.measureMemory === true;
  let rssPeak = 0;
  let heapPeak = 0;
  const peak = () => {
    heapPeak = Math.max(heapPeak, getHeapStatistics().used_heap_size);
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  };
  const baseline = measure ? await settleHeap() : 0;
  const rssBaseline = process.memoryUsage.rss();
  heapPeak = baseline;
  rssPeak = rssBaseline;

  const leftover: Leftover = { hub: undefined, client: undefined };
  let result: DriveResult | undefined = await drive(options, leftover, peak);
  const client = leftover.client as CountingHttpClient;
  const judged = judge(options, result, client);
  const live = result.liveAllBegun;
  // Everything the harness kept about the operations goes now: what stays is the library's.
  result = undefined;
  client.release();

  let memory: MemoryFigures | undefined;
  if (measure) {
    const afterForgotten = await settleHeap();
    leftover.hub = undefined;
    leftover.client = undefined;
    const afterDropped = await settleHeap();
    const tolerance = options.memoryToleranceBytes ?? 2 * 2 ** 20;
    memory = {
      baseline,
      liveAllBegun: live?.heap ?? Number.NaN,
      runningAllBegun: live?.running ?? 0,
      gcPauseMs: live?.gcPauseMs ?? 0,
      peak: heapPeak, afterForgotten, afterDropped, tolerance, rssBaseline, rssPeak, rssAfter: process.memoryUsage.rss() };
  }
  const checks = [...judged.checks];
  if (memory !== undefined) {
    const above = memory.afterForgotten - memory.baseline;
    checks.push({
      name: "heap back to baseline (hub alive, every operation forgotten)",
      pass: above <= memory.tolerance,
      detail: `${above >= 0 ? "+" : ""}${formatMiB(above)} (tolerance ${formatMiB(memory.tolerance)}; peak +${formatMiB(memory.peak - memory.baseline)})`,
    });
  }
  return { ...judged, ...(memory === undefined ? {} : { memory }), checks, ok: checks.every((check) => check.pass) };
}

export { armRequestKinds };
export type { ArmRequestKind };
