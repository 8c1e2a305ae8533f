/**
 * `npm run load`: 10,000 concurrent operations against the loopback ARM server, followed through
 * one `createLroHub`, checked against the server's own record; prints its figures and exits
 * non-zero if any check fails (see `harness.ts` for what is begun and checked).
 *
 * ```sh
 * node --expose-gc --import tsx load/run.ts [--count 10000] [--max-polls 32] [--begin-concurrency 32]
 *   [--duration-min 15000] [--duration-max 25000] [--interval 2000] [--seed 1] [--server child|in-process]
 *   [--no-summary] [--no-memory] [--no-warmup] [--deadline 300000] [--tolerance-mib 2] [--runs 1] [--json] [--quiet]
 * ```
 *
 * Defaults, and why:
 * - `--max-polls 32`: on loopback the client, not the network, is the limit (about half a
 *   millisecond of CPU per request: pipeline, HTTP, rx-lro); throughput levels off between 16
 *   and 64 requests in flight, and more only moves the queue from the hub's gate into sockets.
 *   The default 6 works but keeps ~10,000 operations waiting on six requests: polls end up
 *   10–25 s behind their Retry-After instead of 5–8 s, and the run takes 1.2–2× as long (48 s
 *   instead of ~40 s here), mostly because with one response per tick every batch of the
 *   `summary$` subscriber this script keeps (a dashboard's) costs O(N) (see `summary-cost.ts`).
 * - durations 15–25 s: the client begins 700–1,000 operations a second on 2 cores (it is
 *   CPU-bound), so beginning 10,000 takes 10–20 s; an operation must outlast that for all 10,000
 *   to be running at once. With a few seconds (`--duration-min 6000 --duration-max 12000`) the
 *   first ones end before the last begin, and at most ~9,000 run together (in ~30 s instead of ~40 s).
 * - `--tolerance-mib 2`: after the first measured run the heap ends ~1 MiB above its baseline
 *   (a one-time cost, likely code and inline caches the warm-up did not reach: it does not grow
 *   in later runs, `--runs 3`); 2 MiB over 10,000 operations is 210 bytes each, far less than any retained
 *   state (several KB with its raw response) or hub entry.
 *
 * `--runs N` repeats the measured run in the same process (the server reset in between): a heap
 * that ends each run higher than the last would be a leak; one that settles is a one-time cost.
 * @module
 */
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { createDefaultHttpClient, createPipelineFromOptions } from "@azure/core-rest-pipeline";
import { armRequestKinds, runLoad, type LoadReport, type Progress } from "./harness.js";
import { earlyToleranceMs, startLoadServer } from "./server-host.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "10000" },
    "max-polls": { type: "string", default: "32" },
    "begin-concurrency": { type: "string", default: "32" },
    "duration-min": { type: "string", default: "15000" },
    "duration-max": { type: "string", default: "25000" },
    interval: { type: "string", default: "2000" },
    seed: { type: "string", default: "1" },
    server: { type: "string", default: "child" },
    "no-summary": { type: "boolean", default: false },
    "no-memory": { type: "boolean", default: false },
    "no-warmup": { type: "boolean", default: false },
    deadline: { type: "string", default: "300000" },
    "tolerance-mib": { type: "string", default: "2" },
    runs: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
  },
  strict: true,
});

function integer(name: string, text: string, min = 0): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be an integer ≥ ${min}, got ${text}`);
    process.exit(2);
  }
  return value;
}

const count = integer("count", values.count, 1);
const maxConcurrentPolls = integer("max-polls", values["max-polls"], 1);
const beginConcurrency = integer("begin-concurrency", values["begin-concurrency"], 1);
const durationMs = [integer("duration-min", values["duration-min"]), integer("duration-max", values["duration-max"])] as const;
const intervalInMs = integer("interval", values.interval);
const seed = integer("seed", values.seed);
const deadlineMs = integer("deadline", values.deadline, 1);
const runs = integer("runs", values.runs, 1);
const toleranceMiB = Number(values["tolerance-mib"]);
const where = values.server === "in-process" ? "in-process" : values.server === "child" ? "child" : undefined;
if (where === undefined || durationMs[0] > durationMs[1] || !(toleranceMiB >= 0)) {
  console.error("--server is child or in-process; --duration-min ≤ --duration-max; --tolerance-mib ≥ 0");
  process.exit(2);
}
const measureMemory = !values["no-memory"];
if (measureMemory && globalThis.gc === undefined) {
  console.error("Measuring memory needs node --expose-gc (npm run load passes it), or pass --no-memory.");
  process.exit(2);
}

const log = (line: string) => {
  if (!values.quiet && !values.json) console.log(line);
};
const n = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(value);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const signedMib = (bytes: number) => `${bytes >= 0 ? "+" : "−"}${mib(Math.abs(bytes))}`;

function progressLine(progress: Progress): string {
  const s = progress.summary;
  const statuses = s === undefined ? "" : ` | hub: ${n(s.running)} running, ${n(s.succeeded)} succeeded, ${n(s.failed)} failed, ${n(s.canceled)} canceled`;
  return (
    `  ${(progress.elapsedMs / 1000).toFixed(0).padStart(4)} s  begun ${n(progress.begun).padStart(6)}  finished ${n(progress.finished).padStart(6)}  ` +
    `requests ${n(progress.requests).padStart(7)}  polls in flight ${String(progress.inFlight).padStart(3)}, queued ${n(progress.queued).padStart(5)}${statuses}`
  );
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("   ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("   "), ...rows.map(line)].map((text) => `  ${text}`).join("\n");
}

function print(report: LoadReport): void {
  const lines: string[] = [];
  const out = (line = "") => lines.push(line);
  out();
  out(`Terminal states (library = what hub.watch() ended with; server = server.operations() status)`);
  const statusRow = (label: string, library: Record<string, number>, server: Record<string, number>) => [
    label,
    n(library.succeeded ?? 0),
    n(library.failed ?? 0),
    n(library.canceled ?? 0),
    n((library.error ?? 0) + (library.unfinished ?? 0)),
    n(server.Succeeded ?? 0),
    n(server.Failed ?? 0),
    n(server.Canceled ?? 0),
    n(server.running ?? 0),
  ];
  out(
    table(
      ["kind", "lib succeeded", "lib failed", "lib canceled", "lib other", "srv Succeeded", "srv Failed", "srv Canceled", "srv running"],
      [
        ...Object.entries(report.byKind).map(([kind, row]) => statusRow(kind, row.library, row.server)),
        statusRow("total", report.library, report.serverStatus),
      ],
    ),
  );
  out(`  per operation id: ${report.statusMismatches === 0 ? "all agree" : `${report.statusMismatches} disagree`}`);
  out();
  out("Requests (client = counting HttpClient under the pipeline; server = stats())");
  const { client, server } = report.requests;
  out(
    table(
      ["", "client", "server"],
      [
        ...armRequestKinds.map((kind) => [kind, n(client.byKind[kind]), n(server.byKind[kind])]),
        ["total", n(client.total), n(server.total)],
        ...[...new Set([...Object.keys(client.byStatus), ...Object.keys(server.byStatus)])].sort().map((status) => [`HTTP ${status}`, n(client.byStatus[status] ?? 0), n(server.byStatus[status] ?? 0)]),
        ["transport errors / abandoned", n(client.transportErrors), n(server.abandoned)],
      ],
    ),
  );
  out();
  out("Throughput and pacing");
  const p = report.pacing;
  out(
    table(
      ["", "value"],
      [
        ["wall time (first initial request → last terminal state)", `${(report.wallMs / 1000).toFixed(1)} s`],
        ["  of which beginning (all initial requests answered)", `${(report.beginMs / 1000).toFixed(1)} s`],
        ["requests / s (over the wall time)", n(report.requests.client.total / (report.wallMs / 1000))],
        ["most operations running at once", n(report.maxRunning)],
        [`max requests in flight (all)`, `${report.inFlight.max} (≤ ${report.maxConcurrentPolls} + ${report.beginConcurrency})`],
        [`  polls and final GETs (hub, maxConcurrentPolls ${report.maxConcurrentPolls})`, String(report.inFlight.maxGets)],
        [`  initial requests (not gated by the hub; begin concurrency ${report.beginConcurrency})`, String(report.inFlight.maxInitial)],
        ["polls after a Retry-After: count", n(p.retryAfterPolls)],
        ["  lateness behind Retry-After p50 / p99 / max", `${n(p.latenessP50Ms, 1)} / ${n(p.latenessP99Ms, 1)} / ${n(p.latenessMaxMs, 1)} ms`],
        [`  earliest (early if < −${earlyToleranceMs} ms)`, `${n(p.latenessMinMs, 2)} ms (${p.early} early)`],
        ["polls without Retry-After (fallback interval, jittered)", n(p.fallbackPolls)],
        ["  gap min / p50 / max", `${n(p.fallbackGapMinMs)} / ${n(p.fallbackGapP50Ms)} / ${n(p.fallbackGapMaxMs)} ms`],
        ["  distinct gaps (10 ms buckets)", n(p.fallbackGapDistinct10Ms)],
        [
          "CPU time: client / server process",
          `${n(report.cpu.clientMs / 1000, 1)} s / ${report.cpu.serverMs === undefined ? "(same process)" : `${n(report.cpu.serverMs / 1000, 1)} s`} ` +
            `(client ${n((1000 * report.cpu.clientMs) / report.requests.client.total)} µs per request)`,
        ],
        ["client event-loop delay p99 / max", `${n(report.eventLoopDelay.p99Ms, 1)} / ${n(report.eventLoopDelay.maxMs, 1)} ms`],
      ],
    ),
  );
  if (report.memory !== undefined) {
    const m = report.memory;
    out();
    out("Client heap (heapUsed after forced GC; the server runs elsewhere" + (report.server === "in-process" ? " — NOT here: in-process server, figures include it)" : ")"));
    out(
      table(
        ["", "heap", "vs baseline"],
        [
          ["baseline (after warm-up, before the first operation)", mib(m.baseline), ""],
          [`live, all begun (${n(m.runningAllBegun)} running; one forced GC, ${n(m.gcPauseMs)} ms pause)`, mib(m.liveAllBegun), signedMib(m.liveAllBegun - m.baseline)],
          ["peak (sampled every 100 ms, garbage included)", mib(m.peak), signedMib(m.peak - m.baseline)],
          ["after: all finished, hub.forget() each, hub alive", mib(m.afterForgotten), signedMib(m.afterForgotten - m.baseline)],
          ["after: hub dropped too", mib(m.afterDropped), signedMib(m.afterDropped - m.baseline)],
          ["tolerance", mib(m.tolerance), ""],
          ["RSS baseline / peak / after (not checked)", `${mib(m.rssBaseline)} / ${mib(m.rssPeak)} / ${mib(m.rssAfter)}`, ""],
        ],
      ),
    );
  }
  out();
  out(`Load average (1 min) at the end: ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores (timings are the machine's as shared at the time).`);
  out();
  out("Checks");
  for (const check of report.checks) out(`  ${check.pass ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}`);
  if (report.streamErrors.length > 0) out(`  stream errors (first 5): ${report.streamErrors.slice(0, 5).join(" | ")}`);
  if (report.mismatchExamples.length > 0) out(`  mismatches (first 5): ${report.mismatchExamples.join(" | ")}`);
  out();
  out(report.ok ? "OK: every check passed." : `FAILED: ${report.checks.filter((check) => !check.pass).length} check(s) failed.`);
  console.log(lines.join("\n"));
}

const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
log(
  `rx-lro load test: ${n(count)} operations through one createLroHub (maxConcurrentPolls ${maxConcurrentPolls}), ` +
    `initial requests ${beginConcurrency} at a time, durations ${n(durationMs[0])}–${n(durationMs[1])} ms, ` +
    `Retry-After 1 s (25% without: interval ${n(intervalInMs)} ms ± 20%), seed ${seed}`,
);
log(
  `machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)}; ` +
    `server: ${where === "child" ? "child process" : "in this process"}`,
);

const server = await startLoadServer(where, { requestLog: { perOperation: 0, total: 0 } });
// One pipeline and one HTTP client (one keep-alive agent) for the warm-up and the run, so the
// baseline already holds the sockets, compiled code and caches the run will use.
const transport = { pipeline: createPipelineFromOptions({}), httpClient: createDefaultHttpClient() };
const reports: LoadReport[] = [];
try {
  if (!values["no-warmup"]) {
    const warmCount = Math.min(count, 300);
    log(`warm-up: ${warmCount} operations (not measured)…`);
    const warm = await runLoad({
      count: warmCount,
      maxConcurrentPolls,
      beginConcurrency,
      durationMs: [200, 800],
      intervalInMs: 500,
      deadlineMs: 60_000,
      seed: seed + 1,
      watchSummary: !values["no-summary"],
      server,
      transport,
    });
    if (!warm.ok) {
      log("the warm-up failed:");
      print(warm);
      process.exitCode = 1;
    }
    await server.reset();
  }
  for (let run = 1; run <= runs; run++) {
    if (run > 1) await server.reset();
    log(`run${runs > 1 ? ` ${run} of ${runs}` : ""}: ${n(count)} operations…`);
    const report = await runLoad({
      count,
      maxConcurrentPolls,
      beginConcurrency,
      durationMs,
      intervalInMs,
      seed,
      deadlineMs,
      watchSummary: !values["no-summary"],
      measureMemory,
      memoryToleranceBytes: toleranceMiB * 2 ** 20,
      server,
      transport,
      ...(values.quiet || values.json ? {} : { onProgress: (progress: Progress) => log(progressLine(progress)) }),
    });
    reports.push(report);
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else print(report);
    if (!report.ok) process.exitCode = 1;
  }
} finally {
  await server.close();
}
if (runs > 1 && !values.json) {
  const first = reports[0]?.memory?.baseline;
  console.log(`\nHeap across runs (vs the first baseline${first === undefined ? "" : `, ${mib(first)}`}):`);
  reports.forEach((report, index) => {
    const m = report.memory;
    if (m !== undefined && first !== undefined) {
      console.log(`  run ${index + 1}: baseline ${signedMib(m.baseline - first)}, after ${signedMib(m.afterForgotten - first)}, after dropping the hub ${signedMib(m.afterDropped - first)}; ${report.ok ? "ok" : "FAILED"}`);
    }
  });
}
