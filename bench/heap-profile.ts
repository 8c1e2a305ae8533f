/**
 * Heap profiling helper (not part of `npm run bench`): parks operations the way measurement 2
 * does, takes a heap snapshot before and after, and prints what the parked operations hold, by
 * constructor: objects and bytes (self size) per operation.
 *
 *   node --expose-gc --import tsx bench/heap-profile.ts rx-lro [operations] [top]
 * @module
 */
import { getHeapSnapshot } from "node:v8";
import { inMemorySetup, park, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { settleHeap, sleep } from "./report.js";

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly [readonly string[]] } };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

async function census(): Promise<Map<string, { count: number; bytes: number }>> {
  await settleHeap();
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const snapshot = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [type, name, size] = ["type", "name", "self_size"].map((field) => fields.indexOf(field)) as [number, number, number];
  const byName = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const kind = types[snapshot.nodes[i + type]!]!;
    const label = kind === "object" || kind === "closure" ? `${kind} ${snapshot.strings[snapshot.nodes[i + name]!]}` : kind;
    const entry = byName.get(label) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + size]!;
    byName.set(label, entry);
  }
  return byName;
}

const library = (process.argv[2] ?? "rx-lro") as Library;
const operations = Number(process.argv[3] ?? 2_000);
const top = Number(process.argv[4] ?? 30);
const arm = new InMemoryArm({ operations, inProgressPolls: Number.POSITIVE_INFINITY, retryAfter: "60" });
const setup = inMemorySetup(arm);

// A first round, stopped, so that compiled code and shapes are in the baseline, not in the count.
for (const handle of await park(library, setup, arm, operations)) handle.stop();
await sleep(50);
arm.reset();
const before = await census();
const handles = await park(library, setup, arm, operations);
const after = await census();
const rows = [...after]
  .map(([label, { count, bytes }]) => ({ label, count: (count - (before.get(label)?.count ?? 0)) / operations, bytes: (bytes - (before.get(label)?.bytes ?? 0)) / operations }))
  .sort((a, b) => b.bytes - a.bytes);
const total = rows.reduce((sum, row) => sum + row.bytes, 0);
console.log(`${library}: ${operations} parked operations, ${(total / 1024).toFixed(2)} KiB self size per operation`);
for (const row of rows.slice(0, top)) console.log(`${row.bytes.toFixed(0).padStart(7)} B  ${row.count.toFixed(2).padStart(6)} ×  ${row.label}`);
for (const handle of handles) handle.stop();
process.exit(0);
