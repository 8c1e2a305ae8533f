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
import { bytesBySite, printBytes, type SamplingNode } from "./sampling-profile.js";

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

const { byFunction, total } = bytesBySite(profile.head);
console.log(`${library}: ~${(total / operations).toFixed(0)} B live per parked operation (sampled, allocation sites)`);
printBytes("by function", byFunction, total, operations, top);
for (const handle of handles) handle.stop();
