import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
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
