import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  // lib/angular imports the core as its package name (so the built entry shares the core's
  // build, one copy of each class): in the sources, that name is lib/index.ts.
  resolve: { alias: [{ find: /^rx-lro$/, replacement: new URL("./lib/index.ts", import.meta.url).pathname }] },
  test: {
    include: ["spec/**/*.spec.ts"],
    // The browser end-to-end suite needs Chromium and runs on its own: `npm run test:e2e`.
    // spec/peers runs against scratch installs of the lowest peers: `npm run test:peers`.
    exclude: [...configDefaults.exclude, "spec/e2e/**", "spec/peers/**"],
    // Starts the public AutoRest test server on 127.0.0.1 for spec/integration.
    globalSetup: ["spec/integration/autorest/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
