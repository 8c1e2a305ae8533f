/**
 * Measurement 4: bundle size, min+gzip, of a typical import, built with esbuild for the browser.
 * @module
 */
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { printTable } from "./report.js";

const benchDir = fileURLToPath(new URL(".", import.meta.url));

/** What an app that already uses @azure/core-rest-pipeline has: it and its dependencies (and rxjs). */
export const appAlreadyHas = [
  "rxjs",
  "@azure/core-rest-pipeline",
  "@azure/abort-controller",
  "@azure/core-auth",
  "@azure/core-tracing",
  "@azure/core-util",
  "@azure/logger",
  "@typespec/ts-http-runtime",
  "tslib",
];

/** The entries: each side's typical import, plus the same core-rest-pipeline functions for both. */
const pipelineImports = `export { createPipelineFromOptions, createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";\n`;
// `lib/index.ts` unless RX_LRO_ENTRY names another version (see contenders.ts).
const rxLroModule = fileURLToPath(new URL(process.env.RX_LRO_ENTRY ?? "lib/index.ts", new URL("../", import.meta.url)));
export const entries = {
  "rx-lro": `export { beginLro, armPolling, lroResult } from ${JSON.stringify(rxLroModule)};\n${pipelineImports}`,
  "core-lro": `export { createHttpPoller } from "@azure/core-lro";\n${pipelineImports}`,
  "core-lro + adapter": `export { createHttpPoller } from "@azure/core-lro";\nexport { coreLroOperation } from "./core-lro-adapter.js";\n${pipelineImports}`,
} as const;

export interface BundleSize {
  readonly minified: number;
  readonly gzipped: number;
}

export async function bundleSize(contents: string, external: readonly string[]): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir: benchDir, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    treeShaking: true,
    external: [...external],
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength };
}

export async function runBundle(): Promise<string> {
  const sizes = async (external: readonly string[]) => ({
    rx: await bundleSize(entries["rx-lro"], external),
    core: await bundleSize(entries["core-lro"], external),
    adapter: await bundleSize(entries["core-lro + adapter"], external),
  });
  const marginal = await sizes(appAlreadyHas);
  const full = await sizes([]);
  const kib = (bytes: number) => bytes / 1024;
  return printTable(
    "4. Bundle size (esbuild, browser, ESM, minified; gzip -9)",
    [
      { label: "Marginal: rxjs + core-rest-pipeline & deps external, min+gzip", rx: kib(marginal.rx.gzipped), core: kib(marginal.core.gzipped), unit: "KiB", digits: 2 },
      { label: "  minified", rx: kib(marginal.rx.minified), core: kib(marginal.core.minified), unit: "KiB", digits: 2 },
      { label: "  core-lro + its RunningOperation adapter, min+gzip", rx: kib(marginal.rx.gzipped), core: kib(marginal.adapter.gzipped), unit: "KiB", digits: 2 },
      { label: "Everything bundled, min+gzip", rx: kib(full.rx.gzipped), core: kib(full.core.gzipped), unit: "KiB", digits: 2 },
      { label: "  minified", rx: kib(full.rx.minified), core: kib(full.core.minified), unit: "KiB", digits: 2 },
      { label: "  core-lro + its RunningOperation adapter, min+gzip", rx: kib(full.rx.gzipped), core: kib(full.adapter.gzipped), unit: "KiB", digits: 2 },
    ],
    [
      `rx-lro entry: \`export { beginLro, armPolling, lroResult } from "${process.env.RX_LRO_ENTRY ?? "lib/index.ts"}"\`; core-lro entry: \`export { createHttpPoller } from "@azure/core-lro"\`; both also export \`createPipelineFromOptions, createDefaultHttpClient, createPipelineRequest\` from @azure/core-rest-pipeline (what either user needs to send requests).`,
      `Marginal = external: ${appAlreadyHas.join(", ")} (rxjs and @azure/core-rest-pipeline with all its dependencies; core-lro's own dependencies @azure/abort-controller, core-util, logger and tslib are among them).`,
      "The adapter rows add bench/core-lro-adapter.ts, the ~40 lines a core-lro user (or generated client) writes to turn a PipelineResponse into { flatResponse, rawResponse }.",
    ],
  );
}
