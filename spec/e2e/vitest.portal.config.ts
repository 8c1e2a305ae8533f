// The Angular portal's Chromium end-to-end suite, run by `npm run test:portal` after it has built
// the example (examples/angular-portal/tools/test-portal.ts); kept out of `npm test` and `npm run test:e2e`.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: resolve(dirname(fileURLToPath(import.meta.url)), "..", ".."),
    include: ["spec/e2e/angular-portal.spec.ts"],
    // One browser and one server per build, tests in order.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
