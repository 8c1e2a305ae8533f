/**
 * What the profiling helpers share (not part of `npm run bench`): short source locations, and
 * the bytes of a V8 sampling heap profile added up by allocation site.
 * @module
 */

/** A node of a `HeapProfiler` sampling profile. */
export interface SamplingNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly SamplingNode[];
}

const repositoryRoot = new URL("../", import.meta.url).href;

/** A script URL without the repository's path (`lib/…`, `bench/…`), with `nm:` for node_modules. */
export function shortUrl(url: string): string {
  return url.replace(/^.*\/node_modules\//, "nm:").replace(repositoryRoot, "").replace(/^file:\/\//, "");
}

/** The bytes of a sampling profile, by function and by file, and their total. */
export function bytesBySite(head: SamplingNode): { byFunction: Map<string, number>; byFile: Map<string, number>; total: number } {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  const walk = (node: SamplingNode) => {
    const file = shortUrl(node.callFrame.url);
    const name = `${node.callFrame.functionName || "(anonymous)"} ${file}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
    byFile.set(file || "(native)", (byFile.get(file || "(native)") ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(head);
  return { byFunction, byFile, total };
}

/** Prints the `top` largest entries of `bytes`: share of `total`, and bytes per operation. */
export function printBytes(title: string, bytes: Map<string, number>, total: number, operations: number, top: number): void {
  console.log(`\n## ${title}`);
  for (const [key, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((100 * size) / total).toFixed(1).padStart(5)}%  ${(size / operations).toFixed(0).padStart(7)} B/op  ${key}`);
  }
}
