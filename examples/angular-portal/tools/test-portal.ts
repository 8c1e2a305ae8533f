/**
 * `npm run test:portal`: installs the example when needed (`npm ci` from its lockfile), builds and
 * packs the library into it, builds the zoneless and the zone.js production builds, runs the
 * example's unit tests (`ng test`) and its Chromium end-to-end suite (spec/e2e/angular-portal.spec.ts
 * with the root's vitest), and prints how long each step took.
 */
import { join } from "node:path";
import { buildPortal, ensureInstalled, installPackedLibrary, rootDir, run, step, testPortal } from "./portal.js";

const timings = new Map<string, number>();
const started = performance.now();
await step("install the example (npm ci, when needed)", ensureInstalled, timings);
await step("build and pack rx-lro into the example", installPackedLibrary, timings);
await step("ng build (zoneless, production)", () => buildPortal("zoneless"), timings);
await step("ng build (zone.js, production)", () => buildPortal("zone"), timings);
await step("unit tests (ng test)", testPortal, timings);
await step(
  "end-to-end in Chromium",
  () => run(process.execPath, [join(rootDir, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "spec/e2e/vitest.portal.config.ts"], rootDir),
  timings,
);
console.log("\ntest:portal timings");
for (const [name, seconds] of timings) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`);
console.log(`  ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  total`);
