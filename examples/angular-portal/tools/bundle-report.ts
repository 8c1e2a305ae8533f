/**
 * What a production build weighs, and rx-lro's share of it: read from the esbuild metafile that
 * `ng build --stats-json` writes (stats.json), attributing each output byte (minified) to the
 * package it came from; in all, and in what the browser loads at start (the entry files and what
 * they import statically), apart from chunks only reached through `import()`, which load on use.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

interface MetafileOutput {
  readonly bytes: number;
  readonly inputs: Readonly<Record<string, { readonly bytesInOutput: number }>>;
  readonly imports?: readonly { readonly path: string; readonly kind: string }[];
  readonly entryPoint?: string;
}

interface Metafile {
  readonly outputs: Readonly<Record<string, MetafileOutput>>;
}

/** Minified bytes of a build's JavaScript, by package. */
export interface BundleReport {
  /** Every .js file of the build, minified. */
  readonly totalBytes: number;
  /** The same, gzipped (each file on its own). */
  readonly totalGzipBytes: number;
  /** rx-lro's own code (its `dist/`). */
  readonly rxLroBytes: number;
  /** rx-lro's runtime dependencies: `@azure/*` and `@typespec/ts-http-runtime` (core-rest-pipeline's). */
  readonly rxLroDependencyBytes: number;
  /** Bytes by package (`src` for the app's own code). */
  readonly byPackage: Readonly<Record<string, number>>;
  /** The same figures for what loads at start: the entry files and the chunks they import statically. */
  readonly atStart: {
    readonly totalBytes: number;
    readonly totalGzipBytes: number;
    readonly rxLroBytes: number;
    readonly rxLroDependencyBytes: number;
  };
  /** Chunks only reached through `import()`: loaded when first used (rx-lro's: core-rest-pipeline's default pipeline and client). */
  readonly lazy: { readonly totalBytes: number; readonly totalGzipBytes: number; readonly rxLroDependencyBytes: number };
}

/**
 * The JavaScript outputs that load at start: the build's entries (outputs with an entry point
 * that no other output reaches through `import()`; esbuild marks a dynamically imported chunk as
 * an entry point too) and, transitively, what they import statically.
 */
function loadedAtStart(outputs: Metafile["outputs"]): Set<string> {
  const dynamicTargets = new Set(Object.values(outputs).flatMap(({ imports = [] }) => imports.filter(({ kind }) => kind === "dynamic-import").map(({ path }) => path)));
  const atStart = new Set<string>();
  const visit = (path: string): void => {
    if (atStart.has(path) || outputs[path] === undefined) return;
    atStart.add(path);
    for (const { path: imported, kind } of outputs[path].imports ?? []) if (kind === "import-statement") visit(imported);
  };
  for (const [path, { entryPoint }] of Object.entries(outputs)) if (path.endsWith(".js") && entryPoint !== undefined && !dynamicTargets.has(path)) visit(path);
  return atStart;
}

const rxLroDependency = /^(@azure\/|@typespec\/ts-http-runtime$)/;

/** The report of the build in `dir` (built with `--stats-json`). */
export function bundleReport(dir: string): BundleReport {
  const metafile = JSON.parse(readFileSync(join(dir, "stats.json"), "utf8")) as Metafile;
  const atStart = loadedAtStart(metafile.outputs);
  const tally = () => ({ totalBytes: 0, totalGzipBytes: 0, byPackage: {} as Record<string, number> });
  const all = tally();
  const start = tally();
  const lazy = tally();
  for (const [output, { bytes, inputs }] of Object.entries(metafile.outputs)) {
    if (!output.endsWith(".js")) continue;
    const gzipBytes = gzipSync(readFileSync(join(dir, output.split("/").at(-1) as string))).length;
    for (const part of [all, atStart.has(output) ? start : lazy]) {
      part.totalBytes += bytes;
      part.totalGzipBytes += gzipBytes;
      for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
        const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? "src";
        part.byPackage[name] = (part.byPackage[name] ?? 0) + bytesInOutput;
      }
    }
  }
  const dependencyBytes = (byPackage: Record<string, number>) =>
    Object.entries(byPackage)
      .filter(([name]) => rxLroDependency.test(name))
      .reduce((sum, [, bytes]) => sum + bytes, 0);
  return {
    totalBytes: all.totalBytes,
    totalGzipBytes: all.totalGzipBytes,
    rxLroBytes: all.byPackage["rx-lro"] ?? 0,
    rxLroDependencyBytes: dependencyBytes(all.byPackage),
    byPackage: all.byPackage,
    atStart: {
      totalBytes: start.totalBytes,
      totalGzipBytes: start.totalGzipBytes,
      rxLroBytes: start.byPackage["rx-lro"] ?? 0,
      rxLroDependencyBytes: dependencyBytes(start.byPackage),
    },
    lazy: { totalBytes: lazy.totalBytes, totalGzipBytes: lazy.totalGzipBytes, rxLroDependencyBytes: dependencyBytes(lazy.byPackage) },
  };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

/** A few lines for the console and the README. */
export function describeReport(build: string, report: BundleReport): string {
  const { atStart, lazy } = report;
  return (
    `${build}: ${kB(report.totalBytes)} of JavaScript minified (${kB(report.totalGzipBytes)} gzipped); ` +
    `rx-lro ${kB(report.rxLroBytes)} (${percent(report.rxLroBytes, report.totalBytes)}), ` +
    `with its runtime dependencies (core-rest-pipeline and its helpers) ${kB(report.rxLroBytes + report.rxLroDependencyBytes)} ` +
    `(${percent(report.rxLroBytes + report.rxLroDependencyBytes, report.totalBytes)})\n` +
    `    at start: ${kB(atStart.totalBytes)} (${kB(atStart.totalGzipBytes)} gzipped); rx-lro ${kB(atStart.rxLroBytes)}, ` +
    `with its runtime dependencies ${kB(atStart.rxLroBytes + atStart.rxLroDependencyBytes)}\n` +
    `    lazy chunks (loaded on first use): ${kB(lazy.totalBytes)} (${kB(lazy.totalGzipBytes)} gzipped), rx-lro's runtime dependencies ${kB(lazy.rxLroDependencyBytes)} of it`
  );
}
