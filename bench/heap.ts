/**
 * Measurement 2: memory per in-flight operation. 10,000 operations are started and left parked:
 * each has had its initial response and one poll answered `InProgress` with `Retry-After: 3600`,
 * and waits on its timer. The heap (after forced GCs) minus the baseline, over 10,000, is the
 * cost of one waiting operation; RSS likewise. Then every operation is stopped (rx-lro:
 * unsubscribe; core-lro: abort the signal given to `pollUntilDone`) and the heap left after GC is
 * the leak. One sample = one library in a fresh process (see bench/index.ts).
 * @module
 */
import { inMemorySetup, park, type Handle, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { settleHeap, sleep } from "./report.js";

export interface HeapOptions {
  readonly operations: number;
}

export const defaultHeapOptions: HeapOptions = { operations: 10_000 };

export interface HeapSample {
  readonly heapPerOperation: number;
  readonly rssPerOperation: number;
  readonly leftPerOperation: number;
}

async function measure(library: Library, arm: InMemoryArm, operations: number): Promise<HeapSample> {
  arm.reset();
  const setup = inMemorySetup(arm);
  let ended = 0;
  const baseline = await settleHeap();
  const rss0 = process.memoryUsage().rss;
  let handles: Handle[] | undefined = await park(library, setup, arm, operations, () => void ended++);
  // Parked: every operation has had its first poll answered, and armed its timer.
  if (arm.counts.polls !== operations || ended !== 0) throw new Error(`${library}: not parked (${JSON.stringify(arm.counts)}, ${ended} ended)`);
  const parked = await settleHeap();
  const rss = process.memoryUsage().rss;
  for (const handle of handles) handle.stop();
  handles = undefined;
  while (library === "core-lro" && ended < operations) await sleep(5);
  const after = await settleHeap();
  if (arm.counts.polls !== operations) throw new Error(`${library}: polled again after stopping (${JSON.stringify(arm.counts)})`);
  return {
    heapPerOperation: (parked - baseline) / operations,
    rssPerOperation: (rss - rss0) / operations,
    leftPerOperation: (after - baseline) / operations,
  };
}

/** One sample: a 500-operation warm-up (every path compiled: start, park, stop), then one measured run. */
export async function sampleHeap(library: Library, options: HeapOptions): Promise<HeapSample> {
  const arm = new InMemoryArm({ operations: options.operations, inProgressPolls: Number.POSITIVE_INFINITY, retryAfter: "3600" });
  await measure(library, arm, 500);
  return measure(library, arm, options.operations);
}
