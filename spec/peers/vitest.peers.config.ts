// `npm run test:peers` runs this config once per peer version it checks: the loopback integration
// suites and the HTTP and strategy specs, with `@azure/core-rest-pipeline` and `@azure/logger`
// resolved from RX_LRO_PEERS_DIR (a scratch install of the version under test) instead of the
// project's own devDependency. Everything else resolves as usual.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The package root: the nearest folder with a package.json, wherever this file sits. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const peersDir = process.env.RX_LRO_PEERS_DIR;
if (peersDir === undefined || !existsSync(join(peersDir, "package.json"))) {
  throw new TypeError("Expected RX_LRO_PEERS_DIR to name a directory with a package.json and the peers installed: run `npm run test:peers`.");
}
const fromPeers = createRequire(join(peersDir, "package.json"));
/** The scratch install's entry point of `name`, which must exist there (never a fallback to ours). */
const peer = (name: string) => ({ find: new RegExp(`^${name.replace("/", "\\/")}$`), replacement: fromPeers.resolve(name) });

export default defineConfig({
  resolve: { alias: [peer("@azure/core-rest-pipeline"), peer("@azure/logger")] },
  test: {
    root: packageRoot(dirname(fileURLToPath(import.meta.url))),
    include: [
      "spec/integration/**/*.spec.ts",
      "spec/http/**/*.spec.ts",
      "spec/strategies/**/*.spec.ts",
      "spec/begin-lro.spec.ts",
      "spec/resume-lro.spec.ts",
      "spec/peers/**/*.spec.ts",
    ],
    globalSetup: ["spec/integration/autorest/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
