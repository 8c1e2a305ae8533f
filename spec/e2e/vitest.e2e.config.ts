// The browser end-to-end suite (`npm run test:e2e`), kept out of `npm test`: it needs Chromium
// at /usr/bin/chromium (`apt-get install -y chromium`) and drives it with playwright-core.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The package root: the nearest folder with a package.json, wherever this file sits. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export default defineConfig({
  test: {
    root: packageRoot(dirname(fileURLToPath(import.meta.url))),
    include: ["spec/e2e/**/*.spec.ts"],
    // Needs the Angular example built first: `npm run test:portal` runs it (vitest.portal.config.ts).
    exclude: ["spec/e2e/angular-portal.spec.ts"],
    // One browser, one server, tests in order.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
