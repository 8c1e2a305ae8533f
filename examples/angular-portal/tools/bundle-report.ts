/**
 * What a production build weighs, and rx-lro's share of it: read from the esbuild metafile that
 * `ng build --stats-json` writes (stats.json), attributing each output byte (minified) to the
 * package it came from.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

interface Metafile {
  readonly outputs: Readonly<Record<string, { readonly bytes: number; readonly inputs: Readonly<Record<string, { readonly bytesInOutput: number }>> }>>;
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
}

const rxLroDependency = /^(@azure\/|@typespec\/ts-http-runtime$)/;

/** The report of the build in `dir` (built with `--stats-json`). */
export function bundleReport(dir: string): BundleReport {
  const metafile = JSON.parse(readFileSync(join(dir, "stats.json"), "utf8")) as Metafile;
  const byPackage: Record<string, number> = {};
  let totalBytes = 0;
  let totalGzipBytes = 0;
  for (const [output, { bytes, inputs }] of Object.entries(metafile.outputs)) {
    if (!output.endsWith(".js")) continue;
    totalBytes += bytes;
    totalGzipBytes += gzipSync(readFileSync(join(dir, output.split("/").at(-1) as string))).length;
    for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? "src";
      byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
    }
  }
  const rxLroDependencyBytes = Object.entries(byPackage)
    .filter(([name]) => rxLroDependency.test(name))
    .reduce((sum, [, bytes]) => sum + bytes, 0);
  return { totalBytes, totalGzipBytes, rxLroBytes: byPackage["rx-lro"] ?? 0, rxLroDependencyBytes, byPackage };
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

/** One line for the console and the README. */
export function describeReport(build: string, report: BundleReport): string {
  return (
    `${build}: ${kB(report.totalBytes)} of JavaScript minified (${kB(report.totalGzipBytes)} gzipped); ` +
    `rx-lro ${kB(report.rxLroBytes)} (${percent(report.rxLroBytes, report.totalBytes)}), ` +
    `with its runtime dependencies (core-rest-pipeline and its helpers) ${kB(report.rxLroBytes + report.rxLroDependencyBytes)} ` +
    `(${percent(report.rxLroBytes + report.rxLroDependencyBytes, report.totalBytes)})`
  );
}
