/**
 * Summarises a `.cpuprofile` (not part of `npm run bench`): self time by function and by file,
 * and inclusive time of rx-lro's functions (`lib/`, or its build under `bench/.build/`).
 *
 *   node --import tsx bench/summarize-profile.ts profile.cpuprofile [top]
 * @module
 */
import { readFileSync } from "node:fs";
import { shortUrl } from "./sampling-profile.js";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topArg] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: summarize-profile.ts file.cpuprofile [top]");
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

const key = (node: ProfileNode) => `${node.callFrame.functionName || "(anonymous)"} ${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;

const bySelf = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of selfTime) {
  const node = byId.get(id)!;
  bySelf.set(key(node), (bySelf.get(key(node)) ?? 0) + us);
  const where = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName})`;
  byFile.set(where, (byFile.get(where) ?? 0) + us);
}

// Inclusive time per function key (each sample counted once per distinct key on its stack).
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const seen = new Set<string>();
  for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
    const node = byId.get(current)!;
    const k = key(node);
    if (!seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
  }
});

const print = (title: string, map: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) => {
  console.log(`\n## ${title}`);
  for (const [k, us] of [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};
console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
print("self time by file", byFile, top);
print("self time by function", bySelf, top);
// rx-lro runs as bench/.build/rx-lro-<pid>.mjs under the bench (see contenders.ts), as lib/ otherwise.
print("inclusive time, rx-lro functions", inclusive, top, (k) => k.includes(" lib/") || k.includes(" bench/.build/"));
