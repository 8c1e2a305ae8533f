/**
 * Measurement 1: CPU per poll cycle. Both libraries follow the same 10,000 ARM PUTs (9 polls
 * `InProgress`, then `Succeeded`, then the final GET) through the same empty pipeline and the
 * same in-memory `HttpClient`, with `intervalInMs: 0` and no Retry-After.
 * @module
 */
import { drive, inMemorySetup, type Library, type Setup } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { median, printTable, settleHeap } from "./report.js";

export interface CpuOptions {
  readonly operations: number;
  readonly polls: number;
  readonly concurrency: number;
  readonly runs: number;
  readonly warmupOperations: number;
}

export const defaultCpuOptions: CpuOptions = { operations: 10_000, polls: 10, concurrency: 1_000, runs: 3, warmupOperations: 2_000 };

interface Sample {
  readonly cpuMs: number;
  readonly userMs: number;
  readonly wallMs: number;
}

async function measure(library: Library, setup: Setup, arm: InMemoryArm, options: CpuOptions): Promise<Sample> {
  arm.reset();
  await settleHeap();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await drive(library, setup, options.operations, options.concurrency);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const { initial, polls, finalGets, other } = arm.counts;
  const expected = options.operations;
  if (initial !== expected || polls !== expected * options.polls || finalGets !== expected || other !== 0) {
    throw new Error(`${library}: unexpected requests ${JSON.stringify(arm.counts)}`);
  }
  return { cpuMs: (cpu.user + cpu.system) / 1000, userMs: cpu.user / 1000, wallMs };
}

export async function runCpu(options: CpuOptions = defaultCpuOptions): Promise<string> {
  const arm = new InMemoryArm({ operations: Math.max(options.operations, options.warmupOperations), inProgressPolls: options.polls - 1 });
  const setup = inMemorySetup(arm);
  const warmup = { ...options, operations: options.warmupOperations };
  for (let round = 0; round < 2; round++) {
    await measure("rx-lro", setup, arm, warmup);
    await measure("core-lro", setup, arm, warmup);
  }
  const samples: Record<Library, Sample[]> = { "rx-lro": [], "core-lro": [] };
  for (let run = 0; run < options.runs; run++) {
    // Alternate who goes first, so that neither always runs on a heap the other just grew.
    const order: Library[] = run % 2 === 0 ? ["rx-lro", "core-lro"] : ["core-lro", "rx-lro"];
    for (const library of order) samples[library].push(await measure(library, setup, arm, options));
  }
  const pick = (library: Library, key: keyof Sample) => median(samples[library].map((sample) => sample[key]));
  const polls = options.operations * options.polls;
  const cpu = (library: Library) => pick(library, "cpuMs");
  const spread = (library: Library) => {
    const values = samples[library].map((sample) => sample.cpuMs);
    return `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} ms`;
  };
  return printTable(
    `1. CPU per poll cycle: ${options.operations.toLocaleString("en-US")} operations × ${options.polls} polls, in memory (median of ${options.runs} runs)`,
    [
      { label: "CPU per poll (user+system)", rx: (cpu("rx-lro") * 1000) / polls, core: (cpu("core-lro") * 1000) / polls, unit: "µs", digits: 2 },
      { label: "CPU per operation (12 requests)", rx: (cpu("rx-lro") * 1000) / options.operations, core: (cpu("core-lro") * 1000) / options.operations, unit: "µs", digits: 1 },
      { label: "CPU total (user+system)", rx: cpu("rx-lro"), core: cpu("core-lro"), unit: "ms", digits: 0 },
      { label: "  of which user", rx: pick("rx-lro", "userMs"), core: pick("core-lro", "userMs"), unit: "ms", digits: 0 },
      { label: "Wall time", rx: pick("rx-lro", "wallMs"), core: pick("core-lro", "wallMs"), unit: "ms", digits: 0 },
    ],
    [
      `CPU range over the ${options.runs} runs: rx-lro ${spread("rx-lro")}, core-lro ${spread("core-lro")}.`,
      `Per operation: PUT → 201 + Azure-AsyncOperation, ${options.polls - 1} × InProgress, Succeeded, final GET of the resource (12 requests); µs per poll = process CPU / ${polls.toLocaleString("en-US")} polls, so it carries the initial request and final GET too.`,
      `At most ${options.concurrency.toLocaleString("en-US")} operations in flight (each one that ends starts the next); same createEmptyPipeline() and in-memory HttpClient for both; intervalInMs: 0, no Retry-After.`,
      "Timers: core-lro polls at once after the initial response, then waits delay(0) (~1 ms in Node) between polls; rx-lro waits a 0 ms timer before its first poll and then spaces polls that keep falling due at once 10 ms apart (it never polls back to back twice), so its wall time is not comparable: compare CPU.",
    ],
  );
}
