/**
 * `npm run bench`: rx-lro and @azure/core-lro side by side, in one run. Every sample of
 * measurements 1–3 runs in a fresh `node --expose-gc` process (bench/sample.ts), the libraries
 * interleaved (which goes first alternates), `--reps` repetitions (5 by default); a figure is
 * the median over the repetitions and its ratio the median of the per-repetition ratios.
 *
 *   node --expose-gc --import tsx bench/index.ts [--only=cpu,heap,server,bundle] [--reps=5] [--quick]
 *
 * See bench/README.md for what each measurement does.
 * @module
 */
import { execFile, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runBundle } from "./bundle.js";
import type { Library } from "./contenders.js";
import { defaultCpuOptions, type CpuOptions, type CpuSample } from "./cpu.js";
import { defaultHeapOptions, type HeapOptions, type HeapSample } from "./heap.js";
import { median, machine, printTable, type Row } from "./report.js";
import type { SampleRequest } from "./sample.js";
import { reportServer, serverNotes, type RunResult, type ServerScenario } from "./server-run.js";

const coreLroVersion = (createRequire(import.meta.url)("@azure/core-lro/package.json") as { version: string }).version;
const args = process.argv.slice(2);
const only = args.find((arg) => arg.startsWith("--only="))?.slice("--only=".length).split(",");
const quick = args.includes("--quick");
const reps = Number(args.find((arg) => arg.startsWith("--reps="))?.slice("--reps=".length) ?? (quick ? 2 : 5));
const wanted = (name: string) => only === undefined || only.includes(name);
const rxLroEntry = process.env.RX_LRO_ENTRY ?? "lib/index.ts";
const libraries: readonly Library[] = ["rx-lro", "core-lro"];

const sampleScript = fileURLToPath(new URL("./sample.ts", import.meta.url));
const run = promisify(execFile);

async function sample<T>(request: SampleRequest): Promise<T> {
  const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", sampleScript, JSON.stringify(request)], {
    maxBuffer: 256 * 2 ** 20,
    timeout: 300_000,
  });
  const line = stdout.split("\n").find((text) => text.startsWith("SAMPLE "));
  if (line === undefined) throw new Error(`no sample from ${JSON.stringify(request)}:\n${stdout}`);
  return JSON.parse(line.slice("SAMPLE ".length)) as T;
}

/** `reps` repetitions of both libraries, each in a fresh process, alternating which goes first. */
async function repeat<T>(request: (library: Library) => SampleRequest): Promise<{ readonly rx: T[]; readonly core: T[] }> {
  const rx: T[] = [];
  const core: T[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? libraries : [...libraries].reverse();
    for (const library of order) (library === "rx-lro" ? rx : core).push(await sample<T>(request(library)));
  }
  return { rx, core };
}

/** A row whose figures are medians over the repetitions and whose ratio is the median of the per-repetition ratios. */
function row<T>(samples: { readonly rx: readonly T[]; readonly core: readonly T[] }, label: string, pick: (sample: T) => number, unit: string, digits: number): Row {
  const rx = samples.rx.map(pick);
  const core = samples.core.map(pick);
  return { label, rx: median(rx), core: median(core), unit, digits, ratio: median(rx.map((value, i) => value / core[i]!)) };
}

const range = (values: readonly number[], digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

function intervalNote(intervalInMs: number): string {
  if (intervalInMs === 0) {
    return "intervalInMs 0: core-lro polls at once after the initial response, then waits delay(0) (~1 ms) between polls; rx-lro waits a 0 ms timer before its first poll and then spaces polls that keep falling due at once 10 ms apart (it never polls back to back twice): wall time is not comparable, and at 100 in flight neither is CPU, since a process that idles between rounds of polls pays more per poll (see the intervalInMs 10 table).";
  }
  if (intervalInMs === 10) {
    return "intervalInMs 10: both wait a real 10 ms timer between polls, the spacing rx-lro keeps at intervalInMs 0: the like for like of the interval-0 table at 100 in flight. A round of 100 polls takes a few ms, so the process idles between rounds and each round starts cold: compare each library's CPU per poll here with its own at intervalInMs 1.";
  }
  return `intervalInMs ${intervalInMs}: both wait a real ${intervalInMs} ms timer between polls.`;
}

async function cpu(): Promise<void> {
  const base: CpuOptions = quick ? { ...defaultCpuOptions, operations: 2_000, warmupOperations: 500 } : defaultCpuOptions;
  for (const concurrency of [100, 1_000]) {
    // At 100 in flight, interval 10 is interval 0's like for like (see its note); at 1,000 a round
    // of polls takes longer than 10 ms, so neither library idles between them at any interval.
    for (const intervalInMs of concurrency === 100 ? [0, 1, 10] : [0, 1]) {
      const options = { ...base, concurrency, intervalInMs };
      const samples = await repeat<CpuSample>((library) => ({ kind: "cpu", library, options }));
      const polls = options.operations * options.polls;
      printTable(
        `1. CPU per poll: ${options.operations.toLocaleString("en-US")} operations × ${options.polls} polls, ${concurrency.toLocaleString("en-US")} in flight, intervalInMs: ${intervalInMs}, in memory (median of ${reps})`,
        [
          row(samples, "CPU per poll (user+system)", (s) => (s.cpuMs * 1000) / polls, "µs", 2),
          row(samples, "GC pauses", (s) => s.gcMs, "ms", 0),
          row(samples, "CPU total (user+system)", (s) => s.cpuMs, "ms", 0),
          row(samples, "  of which user", (s) => s.userMs, "ms", 0),
          row(samples, "Wall time", (s) => s.wallMs, "ms", 0),
        ],
        [
          `CPU range over the ${reps} repetitions: rx-lro ${range(samples.rx.map((s) => s.cpuMs))} ms, core-lro ${range(samples.core.map((s) => s.cpuMs))} ms; GC pauses: rx-lro ${range(samples.rx.map((s) => s.gcMs))} ms, core-lro ${range(samples.core.map((s) => s.gcMs))} ms.`,
          "GC pauses = the summed durations of PerformanceObserver \"gc\" entries: wall-clock time inside each collection, so on a loaded machine they stretch with whatever else runs; their ratio is the least stable figure here.",
          `Per operation: PUT → 201 + Azure-AsyncOperation, ${options.polls - 1} × InProgress, Succeeded, final GET (12 requests); µs per poll = process CPU / ${polls.toLocaleString("en-US")} polls, so it carries the initial request and final GET too. Same createEmptyPipeline() and in-memory HttpClient for both; no Retry-After.`,
          intervalNote(intervalInMs),
        ],
      );
    }
  }
}

async function heap(): Promise<void> {
  const options: HeapOptions = quick ? { operations: 2_000 } : defaultHeapOptions;
  const samples = await repeat<HeapSample>((library) => ({ kind: "heap", library, options }));
  const n = options.operations.toLocaleString("en-US");
  printTable(
    `2. Memory per in-flight operation: ${n} operations parked between polls (median of ${reps})`,
    [
      row(samples, "Heap per parked operation", (s) => s.heapPerOperation, "B", 0),
      row(samples, "RSS per parked operation", (s) => s.rssPerOperation, "B", 0),
      { ...row(samples, "Heap left after stopping all + GC, per operation", (s) => s.leftPerOperation, "B", 0), noRatio: true },
    ],
    [
      "Parked = initial PUT answered (201 + Azure-AsyncOperation, no Retry-After), first poll answered InProgress with Retry-After: 3600, waiting on its timer; intervalInMs: 0 for both, so each polls once right away (rx-lro after a 0 ms timer, core-lro at once). Same in-memory client and empty pipeline.",
      "Held by the bench per operation: rx-lro its Subscription; core-lro the AbortController passed to pollUntilDone (the poller itself is held by its own pending promise chain).",
      "Heap = process.memoryUsage().heapUsed after repeated global.gc(), minus the baseline taken the same way before starting (after a 500-operation warm-up); RSS = process.memoryUsage().rss at the same moments. Stopping: rx-lro unsubscribe(); core-lro abort() (each pollUntilDone rejects with AbortError, awaited). Small leftovers (± a few bytes per operation) are heap noise.",
    ],
  );
}

export const serverScenarios: readonly ServerScenario[] = [
  { retryAfter: 0, duration: 0, rampMs: 0 },
  { retryAfter: 1, duration: 3_500, rampMs: 0 },
  { retryAfter: 0, duration: 0, rampMs: 1_000 },
  { retryAfter: 1, duration: 3_500, rampMs: 1_000 },
];

async function server(): Promise<void> {
  const operations = quick ? 200 : 1_000;
  for (const scenario of serverScenarios) {
    const samples = await repeat<RunResult>((library) => ({ kind: "server", library, scenario, operations }));
    const ratio = (pick: (result: RunResult) => number) => median(samples.rx.map((result, i) => pick(result) / pick(samples.core[i]!)));
    reportServer(scenario, operations, { "rx-lro": samples.rx, "core-lro": samples.core }, ratio);
  }
  console.log(serverNotes);
}

/** The commit measured, and whether lib/ or bench/ had uncommitted changes. */
function commit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "lib", "bench"], { encoding: "utf8" }).trim() !== "";
    return `commit ${head}${dirty ? " with uncommitted changes in lib/ or bench/" : ""}`;
  } catch {
    return "commit unknown (not a git checkout)";
  }
}

const started = performance.now();
console.log(
  `## rx-lro vs @azure/core-lro ${coreLroVersion}\n\nMachine: ${machine()}\n` +
    `rx-lro measured: ${rxLroEntry}${/\.[cm]?js$/.test(rxLroEntry) ? "" : " (built with esbuild as npm run build does)"}; ` +
    `@azure/core-lro ${coreLroVersion} from its published build; run ${new Date().toISOString()}\n` +
    `Commit: ${commit()}\n` +
    `Method: every sample of measurements 1–3 in a fresh node --expose-gc process, the libraries interleaved (which goes first alternates), ${reps} repetitions; figures are medians over the repetitions, ratios (rx / core) the median of the per-repetition ratios.\n`,
);
if (wanted("cpu")) await cpu();
if (wanted("heap")) await heap();
if (wanted("bundle")) await runBundle();
if (wanted("server")) await server();
console.log(`Bench took ${((performance.now() - started) / 60_000).toFixed(1)} min.`);
