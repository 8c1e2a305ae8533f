/**
 * Retained-heap profiling helper (not part of `npm run bench`): parks operations as measurement 2
 * does and prints where the live objects were allocated (sampled), per parked operation.
 *
 *   node --expose-gc --import tsx bench/live-profile.ts rx-lro [operations] [top]
 * @module
 */
import { Session } from "node:inspector/promises";
import { inMemorySetup, park, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { settleHeap } from "./report.js";

interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

const library = (process.argv[2] ?? "rx-lro") as Library;
const operations = Number(process.argv[3] ?? 5_000);
const top = Number(process.argv[4] ?? 30);
const arm = new InMemoryArm({ operations, inProgressPolls: Number.POSITIVE_INFINITY, retryAfter: "60" });
const setup = inMemorySetup(arm);

const session = new Session();
session.connect();
await settleHeap();
await session.post("HeapProfiler.startSampling", { samplingInterval: 64 } as never);
const handles = await park(library, setup, arm, operations);
await settleHeap();
const { profile } = (await session.post("HeapProfiler.getSamplingProfile")) as unknown as { profile: { head: SamplingNode } };
await session.post("HeapProfiler.stopSampling");
session.disconnect();

const shortUrl = (url: string) => url.replace(/^file:\/\//, "").replace(/^.*\/node_modules\//, "nm:").replace(/^.*\/work\/main\//, "");
const byFunction = new Map<string, number>();
let total = 0;
const walk = (node: SamplingNode, path: string) => {
  const name = `${node.callFrame.functionName || "(anonymous)"} ${shortUrl(node.callFrame.url)}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) walk(child, path);
};
walk(profile.head, "");
console.log(`${library}: ~${(total / operations).toFixed(0)} B live per parked operation (sampled, allocation sites)`);
for (const [key, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${(bytes / operations).toFixed(0).padStart(6)} B/op  ${key}`);
}
for (const handle of handles) handle.stop();
