/**
 * `npm run test:portal`: installs the example when needed (`npm ci` from its lockfile), builds and
 * packs the library into it, builds the zoneless and the zone.js production builds, runs the
 * example's unit tests (`ng test`) and its Chromium end-to-end suite (spec/e2e/angular-portal.spec.ts
 * with the root's vitest), and prints how long each step took.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleReport, describeReport } from "./bundle-report.js";
import { checkReadmeSection } from "./check-readme-section.js";
import { buildDir, buildPortal, ensureInstalled, installPackedLibrary, portalDir, rootDir, run, step, testPortal } from "./portal.js";

const timings = new Map<string, number>();
const started = performance.now();
await step("install the example (npm ci, when needed)", ensureInstalled, timings);
await step("build and pack rx-lro into the example", installPackedLibrary, timings);
await step("ng build (zoneless, production)", () => buildPortal("zoneless"), timings);
await step("ng build (zone.js, production)", () => buildPortal("zone"), timings);
const bundles = { zoneless: bundleReport(buildDir("zoneless")), zone: bundleReport(buildDir("zone")) };
writeFileSync(join(portalDir, "dist", "bundle-report.json"), `${JSON.stringify(bundles, null, 2)}\n`);
await step("unit tests (ng test)", testPortal, timings);
await step("the README's Angular blocks type-check against the packed package", async () => console.log(`${await checkReadmeSection()} blocks`), timings);
await step(
  "end-to-end in Chromium",
  () => run(process.execPath, [join(rootDir, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "spec/e2e/vitest.portal.config.ts"], rootDir),
  timings,
);
console.log("\nproduction builds");
for (const [build, report] of Object.entries(bundles)) console.log(`  ${describeReport(build, report)}`);
console.log("\ntest:portal timings");
for (const [name, seconds] of timings) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`);
console.log(`  ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  total`);
