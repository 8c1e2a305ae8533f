/**
 * Measurement 3: 1,000 concurrent operations against the embedded loopback ARM server (in a
 * child process), over real HTTP: `createDefaultHttpClient()` and `createPipelineFromOptions({})`
 * for both libraries, a fresh pair per run (no warm keep-alive sockets carried over).
 * @module
 */
import { performance } from "node:perf_hooks";
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createDefaultHttpClient, createPipelineFromOptions } from "@azure/core-rest-pipeline";
import { drive, type Library, type Setup } from "./contenders.js";
import { median, percentile, printTable } from "./report.js";
import type { ServerCommand, ServerRecord, ServerReply } from "./server-worker.js";

export interface ServerScenario {
  /** `Retry-After` in seconds, on the initial response and every running poll. */
  readonly retryAfter: number;
  /** How long each operation runs on the server, in ms. */
  readonly duration: number;
  /** 0: all operations start at once; else their starts are spread evenly over this many ms. */
  readonly rampMs: number;
}

export interface ServerOptions {
  readonly operations: number;
  /** Measured runs per library and scenario (alternating which library goes first). */
  readonly runs: number;
  readonly scenarios: readonly ServerScenario[];
}

export const defaultServerOptions: ServerOptions = {
  operations: 1_000,
  runs: 2,
  scenarios: [
    // Retry-After: 0 means "poll now": only an operation that is over at once has a finite minimum.
    { retryAfter: 0, duration: 0, rampMs: 0 },
    { retryAfter: 1, duration: 3_500, rampMs: 0 },
    // The same with starts spread over 1 s: still 1,000 operations running at once, but their
    // polls no longer all fall due in the same millisecond, so lateness shows the client's timers
    // rather than how long one thread takes to send 1,000 requests.
    { retryAfter: 0, duration: 0, rampMs: 1_000 },
    { retryAfter: 1, duration: 3_500, rampMs: 1_000 },
  ],
};

class ServerProcess {
  readonly #child: ChildProcess = fork(fileURLToPath(new URL("./server-worker.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
  });
  #pending: ((reply: ServerReply) => void)[] = [];

  constructor() {
    this.#child.on("message", (reply: ServerReply) => this.#pending.shift()?.(reply));
    this.#child.on("error", (error) => {
      console.error("server process failed:", error);
      process.exitCode = 1;
    });
  }

  send(command: ServerCommand): Promise<ServerReply> {
    return new Promise((resolve) => {
      this.#pending.push(resolve);
      this.#child.send(command);
    });
  }

  async stop(): Promise<void> {
    await this.send({ type: "close" });
    this.#child.disconnect();
  }
}

export interface RunResult {
  readonly wallMs: number;
  /** Time the client's event loop was busy (this thread only: the server's thread is not counted). */
  readonly busyMs: number;
  /** The client process's CPU time, user + system (the server runs in another process). */
  readonly cpuMs: number;
  readonly requests: number;
  readonly minimum: number;
  readonly initial: number;
  readonly polls: number;
  readonly finalGets: number;
  readonly otherRequests: number;
  /** Lateness of each poll behind the Retry-After of the response before it (ms; negative = early). */
  readonly lateness: readonly number[];
  readonly early: number;
}

/**
 * Node timers count from the event loop's cached clock, in whole ms, so a timer can fire up to
 * ~1 ms before its delay has elapsed by the wall clock: polls that early are not counted as early.
 */
const earlyToleranceMs = 1;

/** Polls a client that waits exactly Retry-After needs: one each Retry-After until the operation is over. */
function timelinePolls(retryAfterSeconds: number, durationMs: number): number {
  if (durationMs === 0) return 1;
  return retryAfterSeconds === 0 ? Number.NaN : Math.max(1, Math.ceil(durationMs / (retryAfterSeconds * 1000)));
}

/**
 * What the server's record says each operation needed: its initial request, every poll up to the
 * first that reported the end (except polls sent before the previous response's Retry-After had
 * elapsed: an obedient client would not have sent them), and one final GET. A poll that comes
 * late can make later ones unnecessary, so this can be below {@link timelinePolls}.
 */
function analyse(record: ServerRecord, wallMs: number, busyMs: number, cpuMs: number): RunResult {
  let requests = 0;
  let minimum = 0;
  let initial = 0;
  let polls = 0;
  let finalGets = 0;
  let otherRequests = 0;
  let early = 0;
  const lateness: number[] = [];
  for (const operation of record.operations) {
    const log = record.requests[operation.id] ?? [];
    requests += log.length;
    let needed = 2;
    for (let i = 0; i < log.length; i++) {
      const request = log[i]!;
      if (request.kind === "initial") initial++;
      else if (request.kind === "statusPoll" || request.kind === "locationPoll") polls++;
      else if (request.kind === "resourceGet") finalGets++;
      else otherRequests++;
      const note = i === 0 ? undefined : record.responses[log[i - 1]!.seq];
      let late = Number.NaN;
      if (note?.retryAfter !== undefined) {
        late = request.at - note.respondAt - Number(note.retryAfter) * 1000;
        lateness.push(late);
        if (late < -earlyToleranceMs) early++;
      }
      const poll = request.kind === "statusPoll" || request.kind === "locationPoll";
      const beforeEnd = operation.terminalServedAt === undefined || request.at <= operation.terminalServedAt;
      if (poll && beforeEnd && !(late < -earlyToleranceMs)) needed++;
    }
    minimum += needed;
  }
  if (requests !== record.armRequests) otherRequests += record.armRequests - requests;
  return { wallMs, busyMs, cpuMs, requests, minimum, initial, polls, finalGets, otherRequests, lateness, early };
}

async function run(library: Library, server: ServerProcess, url: string, operations: number, rampMs: number): Promise<RunResult> {
  await server.send({ type: "reset" });
  const setup: Setup = {
    pipeline: createPipelineFromOptions({}),
    httpClient: createDefaultHttpClient(),
    url: (index) => `${url}/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/bench-rg/providers/Microsoft.Demo/widgets/${library}-w${index}?api-version=2024-01-01`,
    allowInsecureConnection: true,
  };
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await drive(library, setup, operations, operations, rampMs);
  const wallMs = performance.now() - t0;
  const busyMs = performance.eventLoopUtilization(elu0).active;
  const cpu = process.cpuUsage(cpu0);
  const reply = await server.send({ type: "collect" });
  if (reply.type !== "record") throw new Error("unexpected reply");
  if (reply.record.operations.length !== operations) throw new Error(`${library}: the server saw ${reply.record.operations.length} operations`);
  return analyse(reply.record, wallMs, busyMs, (cpu.user + cpu.system) / 1000);
}

/** Several runs of one library in one scenario, pooled. */
interface Pooled {
  readonly wallMs: number;
  readonly busyMs: number;
  /** Requests and minimum of the worst run (most extra requests). */
  readonly worst: RunResult;
  readonly lateness: readonly number[];
  readonly early: number;
}

function pool(results: readonly RunResult[]): Pooled {
  const worst = results.reduce((a, b) => (b.requests - b.minimum > a.requests - a.minimum ? b : a));
  return {
    wallMs: median(results.map((result) => result.wallMs)),
    busyMs: median(results.map((result) => result.busyMs)),
    worst,
    lateness: results.flatMap((result) => result.lateness),
    early: Math.max(...results.map((result) => result.early)),
  };
}

/**
 * One sample: a server thread, a 200-operation warm-up (JIT, first sockets), then one measured
 * run of `operations` in `scenario`. Run in a fresh process per sample (see bench/index.ts).
 */
export async function sampleServer(library: Library, scenario: ServerScenario, operations: number): Promise<RunResult> {
  const server = new ServerProcess();
  try {
    const started = await server.send({ type: "start", options: { retryAfter: scenario.retryAfter, duration: scenario.duration } });
    if (started.type !== "started") throw new Error("server did not start");
    await run(library, server, started.url, 200, 0);
    return await run(library, server, started.url, operations, scenario.rampMs);
  } finally {
    await server.stop();
  }
}

/** Prints one scenario's table from its samples (one per run and library). */
export function reportServer(scenario: ServerScenario, operations: number, results: Readonly<Record<Library, readonly RunResult[]>>, ratio: (pick: (result: RunResult) => number) => number): string {
  const rx = pool(results["rx-lro"]);
  const core = pool(results["core-lro"]);
  const runs = results["rx-lro"].length;
  const n = operations.toLocaleString("en-US");
  const starts = scenario.rampMs === 0 ? "all started at once" : `starts spread over ${scenario.rampMs} ms`;
  const cpuPerRequest = (result: RunResult) => (result.cpuMs * 1000) / result.requests;
  const cpuOfRun = (result: RunResult) => result.cpuMs;
  return printTable(
    `3. ${n} concurrent operations, loopback ARM server, Retry-After: ${scenario.retryAfter} s, operations last ${scenario.duration} ms, ${starts} (${runs} runs each)`,
    [
      { label: "Client CPU per request sent (median)", rx: median(results["rx-lro"].map(cpuPerRequest)), core: median(results["core-lro"].map(cpuPerRequest)), unit: "µs", digits: 0, ratio: ratio(cpuPerRequest) },
      // Per request, a client that sends fewer requests (no early polls) looks dearer than it is: the whole run's CPU says what following the operations cost.
      { label: "Client CPU, whole run (median)", rx: median(results["rx-lro"].map(cpuOfRun)), core: median(results["core-lro"].map(cpuOfRun)), unit: "ms", digits: 0, ratio: ratio(cpuOfRun) },
      { label: "Wall time (median)", rx: rx.wallMs, core: core.wallMs, unit: "ms", digits: 0, ratio: ratio((result) => result.wallMs) },
      { label: "Client event loop busy (median)", rx: rx.busyMs, core: core.busyMs, unit: "ms", digits: 0, ratio: ratio((result) => result.busyMs) },
      { label: "Requests sent (server record, worst run)", rx: rx.worst.requests, core: core.worst.requests, digits: 0 },
      { label: "Minimum needed", rx: rx.worst.minimum, core: core.worst.minimum, digits: 0, noRatio: true },
      { label: "  extra requests", rx: rx.worst.requests - rx.worst.minimum, core: core.worst.requests - core.worst.minimum, digits: 0, noRatio: true },
      { label: "Poll lateness behind Retry-After, max", rx: Math.max(...rx.lateness), core: Math.max(...core.lateness), unit: "ms", digits: 1 },
      { label: "  p99", rx: percentile(rx.lateness, 99), core: percentile(core.lateness, 99), unit: "ms", digits: 1 },
      { label: "  p50", rx: percentile(rx.lateness, 50), core: percentile(core.lateness, 50), unit: "ms", digits: 1 },
      { label: "  min (negative: before Retry-After elapsed)", rx: Math.min(...rx.lateness), core: Math.min(...core.lateness), unit: "ms", digits: 1, noRatio: true },
      { label: "Polls sent > 1 ms before Retry-After elapsed (worst run)", rx: rx.early, core: core.early, digits: 0, noRatio: true },
    ],
    [
      `Worst run, initial / polls / final GETs: rx-lro ${rx.worst.initial} / ${rx.worst.polls} / ${rx.worst.finalGets}, core-lro ${core.worst.initial} / ${core.worst.polls} / ${core.worst.finalGets}; other ARM requests: ${rx.worst.otherRequests} / ${core.worst.otherRequests}.`,
      `Minimum = per operation, from the server's record: 1 initial + the polls up to the first that reported the end, not counting polls sent before Retry-After elapsed + 1 final GET (a client polling exactly on time needs ${timelinePolls(scenario.retryAfter, scenario.duration)} poll(s)${scenario.duration === 0 ? ": the operation is over at once" : ""}; a late poll can make a later one unnecessary).`,
    ],
  );
}

/** The notes under all of measurement 3's tables. */
export const serverNotes = [
  "Measurement 3, all tables: lateness = next request's arrival − the moment the response carrying Retry-After: N was handed to the socket − N s, per operation, on the server's sub-ms clock, pooled over the runs; negative = polled before Retry-After elapsed (not counted as late; counted as early, and as not needed, when more than 1 ms early: Node timers fire up to ~1 ms early by the wall clock).",
  "Both libraries: createPipelineFromOptions({}) + createDefaultHttpClient() (a fresh pair per run: no warm keep-alive sockets), allowInsecureConnection on every request, intervalInMs left at the default (2000 ms; unused while Retry-After is sent). Server in a process of its own: client CPU = the client process's process.cpuUsage() (user + system) over the run, per request it sent; event loop busy = performance.eventLoopUtilization() of the client.",
  "",
].join("\n");
