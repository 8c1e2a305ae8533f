/**
 * Allocation profiling helper (not part of `npm run bench`): samples every allocation (collected
 * ones included) while one library's side of measurement 1 runs, and prints bytes allocated by
 * function and by file.
 *
 *   node --import tsx bench/alloc-profile.ts rx-lro [operations]
 * @module
 */
import { Session } from "node:inspector/promises";
import { drive, inMemorySetup, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

const library = (process.argv[2] ?? "rx-lro") as Library;
const operations = Number(process.argv[3] ?? 5_000);
const top = Number(process.argv[4] ?? 30);
const arm = new InMemoryArm({ operations, inProgressPolls: 9 });
const setup = inMemorySetup(arm);
await drive(library, setup, Math.min(operations, 1_000), 1_000); // warm-up
arm.reset();

const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 512,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as never);
await drive(library, setup, operations, 1_000);
const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: SamplingNode } };
session.disconnect();

const shortUrl = (url: string) => url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "nm:").replace(/^.*\/work\/main\//, "");
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
let total = 0;
const walk = (node: SamplingNode) => {
  const name = `${node.callFrame.functionName || "(anonymous)"} ${shortUrl(node.callFrame.url)}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  const file = shortUrl(node.callFrame.url) || "(native)";
  byFile.set(file, (byFile.get(file) ?? 0) + node.selfSize);
  total += node.selfSize;
  node.children.forEach(walk);
};
walk(profile.head);
const polls = operations * 10;
console.log(`${library}: ~${(total / operations / 1024).toFixed(1)} KiB allocated per operation, ~${(total / polls).toFixed(0)} B per poll (sampled)`);
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n## ${title}`);
  for (const [key, bytes] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${(bytes / operations).toFixed(0).padStart(7)} B/op  ${key}`);
  }
};
print("by file", byFile);
print("by function", byFunction);
