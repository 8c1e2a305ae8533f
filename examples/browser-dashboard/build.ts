/**
 * Builds the dashboard: `index.html` and `app.js` (src/main.ts bundled for the browser, so
 * `@azure/core-rest-pipeline` resolves to its fetch-based browser build).
 *
 *   npx tsx examples/browser-dashboard/build.ts [outDir]     # default: examples/browser-dashboard/dist
 * @module
 */
import { copyFile, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

/** This folder. */
export const dashboardDir = dirname(fileURLToPath(import.meta.url));

/** Where `build.ts` writes by default. */
export const defaultOutDir = join(dashboardDir, "dist");

/** Bundles the dashboard into `outDir` (created if needed) and returns it. */
export async function buildDashboard(outDir: string = defaultOutDir): Promise<string> {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(dashboardDir, "src", "main.ts")],
    outfile: join(outDir, "app.js"),
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: "linked",
    legalComments: "none",
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  await copyFile(join(dashboardDir, "index.html"), join(outDir, "index.html"));
  return outDir;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const outDir = await buildDashboard(process.argv[2] === undefined ? defaultOutDir : resolve(process.argv[2]));
  process.stdout.write(`Built the dashboard into ${outDir}\n`);
}
