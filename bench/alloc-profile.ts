/**
 * Allocation profiling helper (not part of `npm run bench`): samples every allocation (collected
 * ones included) while one library's side of measurement 1 runs, and prints bytes allocated by
 * function and by file.
 *
 *   node --import tsx bench/alloc-profile.ts rx-lro [operations] [top] [polls]
 *
 * `polls` as in bench/profile.ts (10 by default; 1 weighs starting and ending an operation).
 * @module
 */
import { Session } from "node:inspector/promises";
import { drive, inMemorySetup, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { bytesBySite, printBytes, type SamplingNode } from "./sampling-profile.js";

const library = (process.argv[2] ?? "rx-lro") as Library;
const operations = Number(process.argv[3] ?? 5_000);
const top = Number(process.argv[4] ?? 30);
const pollsPerOperation = Number(process.argv[5] ?? 10);
const arm = new InMemoryArm({ operations, inProgressPolls: pollsPerOperation - 1 });
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

const { byFunction, byFile, total } = bytesBySite(profile.head);
const polls = operations * pollsPerOperation;
console.log(`${library}: ~${(total / operations / 1024).toFixed(1)} KiB allocated per operation, ~${(total / polls).toFixed(0)} B per poll (sampled)`);
printBytes("by file", byFile, total, operations, top);
printBytes("by function", byFunction, total, operations, top);
