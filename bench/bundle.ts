/**
 * Measurement 4: bundle size, min+gzip, of a typical import, built with esbuild for the browser.
 * @module
 */
import { resolve } from "node:path";
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
const rxLroImports = `export { beginLro, armPolling, lroResult } from ${JSON.stringify(rxLroModule)};\n`;
const coreLroImports = `export { createHttpPoller } from "@azure/core-lro";\n`;
export const entries = {
  "rx-lro": `${rxLroImports}${pipelineImports}`,
  "core-lro": `${coreLroImports}${pipelineImports}`,
  "core-lro + adapter": `export { createHttpPoller } from "@azure/core-lro";\nexport { coreLroOperation } from "./core-lro-adapter.js";\n${pipelineImports}`,
} as const;

export interface BundleSize {
  readonly minified: number;
  readonly gzipped: number;
}

/**
 * The size of what an app loads at start: esbuild with code splitting, as app bundlers do (Angular's,
 * Vite, webpack), so a module only reached through `import()` lands in a chunk of its own that
 * loads when first used; that lazy part is reported apart.
 */
export async function bundleSize(contents: string, external: readonly string[]): Promise<BundleSize & { readonly lazyGzipped: number }> {
  const result = await build({
    stdin: { contents, resolveDir: benchDir, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
    splitting: true,
    outdir: "/bundle-size",
    treeShaking: true,
    external: [...external],
    logLevel: "silent",
    metafile: true,
  });
  // The entry and the chunks it imports statically load at start; the rest only on `import()`.
  const outputs = result.metafile.outputs;
  const atStart = new Set<string>();
  const visit = (path: string) => {
    if (atStart.has(path)) return;
    atStart.add(path);
    for (const imported of outputs[path]?.imports ?? []) if (imported.kind === "import-statement" && imported.path in outputs) visit(imported.path);
  };
  visit(Object.keys(outputs).find((path) => outputs[path]!.entryPoint !== undefined)!);
  let minified = 0;
  let gzipped = 0;
  let lazyGzipped = 0;
  const loadedAtStart = new Set([...atStart].map((path) => resolve(path)));
  for (const file of result.outputFiles) {
    const size = gzipSync(file.contents, { level: 9 }).byteLength;
    if (loadedAtStart.has(file.path)) {
      minified += file.contents.byteLength;
      gzipped += size;
    } else lazyGzipped += size;
  }
  return { minified, gzipped, lazyGzipped };
}

export async function runBundle(): Promise<string> {
  const sizes = async (external: readonly string[]) => ({
    rx: await bundleSize(entries["rx-lro"], external),
    core: await bundleSize(entries["core-lro"], external),
    adapter: await bundleSize(entries["core-lro + adapter"], external),
  });
  const marginal = await sizes(appAlreadyHas);
  const full = await sizes([]);
  // The app passes its own pipeline and client: it imports nothing of core-rest-pipeline itself.
  const own = { rx: await bundleSize(rxLroImports, []), core: await bundleSize(coreLroImports, []) };
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
      { label: "Everything bundled, the app brings its own pipeline and client, min+gzip", rx: kib(own.rx.gzipped), core: kib(own.core.gzipped), unit: "KiB", digits: 2 },
      { label: "  minified", rx: kib(own.rx.minified), core: kib(own.core.minified), unit: "KiB", digits: 2 },
      { label: "  loaded later, only if a default is used (lazy chunk), min+gzip", rx: kib(own.rx.lazyGzipped), core: kib(own.core.lazyGzipped), unit: "KiB", digits: 2, noRatio: true },
    ],
    [
      `rx-lro entry: \`export { beginLro, armPolling, lroResult } from "${process.env.RX_LRO_ENTRY ?? "lib/index.ts"}"\`; core-lro entry: \`export { createHttpPoller } from "@azure/core-lro"\`; both also export \`createPipelineFromOptions, createDefaultHttpClient, createPipelineRequest\` from @azure/core-rest-pipeline (what either user needs to send requests).`,
      `Marginal = external: ${appAlreadyHas.join(", ")} (rxjs and @azure/core-rest-pipeline with all its dependencies; core-lro's own dependencies @azure/abort-controller, core-util, logger and tslib are among them).`,
      `"Brings its own pipeline": the entries without the core-rest-pipeline exports (rx-lro \`export { beginLro, armPolling, lroResult }\`, core-lro \`export { createHttpPoller }\`), everything bundled: what an app that passes \`pipeline\` and \`httpClient\` (or an Angular HttpClient transport) ships for the poller.`,
      "Sizes are what loads at start: esbuild with code splitting (as app bundlers do); a module reached only through import() is a lazy chunk, reported apart.",
      "The adapter rows add bench/core-lro-adapter.ts, the ~40 lines a core-lro user (or generated client) writes to turn a PipelineResponse into { flatResponse, rawResponse }.",
    ],
  );
}
