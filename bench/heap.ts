/**
 * Measurement 2: heap per in-flight operation. 10,000 operations are started and left parked:
 * each has had its initial response and one poll answered `InProgress` with `Retry-After: 60`,
 * and waits on a 60 s timer. The heap (after forced GCs) minus the baseline, over 10,000, is the
 * cost of one waiting operation. Then every operation is stopped (rx-lro: unsubscribe; core-lro:
 * abort the signal given to `pollUntilDone`) and the heap left after GC is the leak.
 * @module
 */
import { inMemorySetup, park, type Handle, type Library, type Setup } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { median, printTable, settleHeap, sleep } from "./report.js";

export interface HeapOptions {
  readonly operations: number;
  readonly runs: number;
}

export const defaultHeapOptions: HeapOptions = { operations: 10_000, runs: 3 };

interface Sample {
  readonly perOperation: number;
  readonly leftPerOperation: number;
  readonly leftTotal: number;
  readonly stopped: number;
}

async function measure(library: Library, setup: Setup, arm: InMemoryArm, operations: number): Promise<Sample> {
  arm.reset();
  let ended = 0;
  const baseline = await settleHeap();
  let handles: Handle[] | undefined = await park(library, setup, arm, operations, () => void ended++);
  // Parked: every operation has had its first poll answered, and armed its 60 s timer.
  if (arm.counts.polls !== operations || ended !== 0) throw new Error(`${library}: not parked (${JSON.stringify(arm.counts)}, ${ended} ended)`);
  const parked = await settleHeap();
  for (const handle of handles) handle.stop();
  handles = undefined;
  while (library === "core-lro" && ended < operations) await sleep(5);
  const after = await settleHeap();
  if (arm.counts.polls !== operations) throw new Error(`${library}: polled again after stopping (${JSON.stringify(arm.counts)})`);
  return {
    perOperation: (parked - baseline) / operations,
    leftPerOperation: (after - baseline) / operations,
    leftTotal: after - baseline,
    stopped: ended,
  };
}

export async function runHeap(options: HeapOptions = defaultHeapOptions): Promise<string> {
  const arm = new InMemoryArm({ operations: options.operations, inProgressPolls: Number.POSITIVE_INFINITY, retryAfter: "60" });
  const setup = inMemorySetup(arm);
  // Warm-up: compile every path (start, park, stop) before measuring.
  await measure("rx-lro", setup, arm, 500);
  await measure("core-lro", setup, arm, 500);
  const samples: Record<Library, Sample[]> = { "rx-lro": [], "core-lro": [] };
  for (let run = 0; run < options.runs; run++) {
    const order: Library[] = run % 2 === 0 ? ["rx-lro", "core-lro"] : ["core-lro", "rx-lro"];
    for (const library of order) samples[library].push(await measure(library, setup, arm, options.operations));
  }
  const pick = (library: Library, key: keyof Sample) => median(samples[library].map((sample) => sample[key]));
  const n = options.operations.toLocaleString("en-US");
  return printTable(
    `2. Heap per in-flight operation: ${n} operations parked between polls (median of ${options.runs} runs)`,
    [
      { label: "Heap per parked operation", rx: pick("rx-lro", "perOperation") / 1024, core: pick("core-lro", "perOperation") / 1024, unit: "KiB", digits: 2 },
      { label: `Heap for all ${n}`, rx: (pick("rx-lro", "perOperation") * options.operations) / 2 ** 20, core: (pick("core-lro", "perOperation") * options.operations) / 2 ** 20, unit: "MiB", digits: 1 },
      { label: "Left after stopping all + GC (total)", rx: pick("rx-lro", "leftTotal") / 1024, core: pick("core-lro", "leftTotal") / 1024, unit: "KiB", digits: 0, noRatio: true },
      { label: "Left after stopping, per operation", rx: pick("rx-lro", "leftPerOperation"), core: pick("core-lro", "leftPerOperation"), unit: "B", digits: 0, noRatio: true },
    ],
    [
      "Parked = initial PUT answered (201 + Azure-AsyncOperation, no Retry-After), first poll answered InProgress with Retry-After: 60, waiting on the 60 s timer; intervalInMs: 0 for both, so each polls once right away (rx-lro after a 0 ms timer, core-lro at once). Same in-memory client and empty pipeline.",
      "Held by the bench per operation: rx-lro its Subscription; core-lro the AbortController passed to pollUntilDone (the poller itself is held by its own pending promise chain).",
      "Heap = process.memoryUsage().heapUsed after repeated global.gc(), minus the baseline taken the same way before starting. Stopping: rx-lro unsubscribe(); core-lro abort() (each pollUntilDone rejects with AbortError, awaited). Small leftovers (±a few KiB) are heap noise.",
    ],
  );
}
