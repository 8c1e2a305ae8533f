/**
 * Measurement 1: CPU per poll cycle. Both libraries follow the same 10,000 ARM PUTs (9 polls
 * `InProgress`, then `Succeeded`, then the final GET) through the same empty pipeline and the
 * same in-memory `HttpClient`, no Retry-After, with 100 or 1,000 operations in flight and
 * `intervalInMs` 0 or 1. One sample = one library in a fresh process (see bench/index.ts).
 * @module
 */
import { PerformanceObserver } from "node:perf_hooks";
import { drive, inMemorySetup, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { settleHeap } from "./report.js";

export interface CpuOptions {
  readonly operations: number;
  readonly polls: number;
  readonly concurrency: number;
  readonly intervalInMs: number;
  readonly warmupOperations: number;
}

export const defaultCpuOptions: CpuOptions = { operations: 10_000, polls: 10, concurrency: 1_000, intervalInMs: 0, warmupOperations: 2_000 };

export interface CpuSample {
  /** Process CPU (user + system: garbage collection threads count). */
  readonly cpuMs: number;
  readonly userMs: number;
  readonly wallMs: number;
  /** Time in garbage-collection pauses (PerformanceObserver "gc" entries). */
  readonly gcMs: number;
}

async function measure(library: Library, arm: InMemoryArm, options: CpuOptions): Promise<CpuSample> {
  arm.reset();
  const setup = { ...inMemorySetup(arm), intervalInMs: options.intervalInMs };
  await settleHeap();
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ["gc"] });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await drive(library, setup, options.operations, options.concurrency);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Entries are delivered asynchronously: let the last ones arrive.
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  const { initial, polls, finalGets, other } = arm.counts;
  const expected = options.operations;
  if (initial !== expected || polls !== expected * options.polls || finalGets !== expected || other !== 0) {
    throw new Error(`${library}: unexpected requests ${JSON.stringify(arm.counts)}`);
  }
  return { cpuMs: (cpu.user + cpu.system) / 1000, userMs: cpu.user / 1000, wallMs, gcMs };
}

/** One sample: a warm-up (2 × `warmupOperations`), then one measured run of `operations`. */
export async function sampleCpu(library: Library, options: CpuOptions): Promise<CpuSample> {
  const arm = new InMemoryArm({ operations: Math.max(options.operations, options.warmupOperations), inProgressPolls: options.polls - 1 });
  const warmup = { ...options, operations: options.warmupOperations };
  for (let round = 0; round < 2; round++) await measure(library, arm, warmup);
  return measure(library, arm, options);
}
