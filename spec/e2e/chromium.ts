// Debian's Chromium for the browser end-to-end suites, driven by playwright-core: where it is, how
// it is launched (headless, no network of its own), and a clear error when it is missing.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** `/usr/bin/chromium` (`apt-get install -y chromium`), or `$CHROMIUM_PATH`. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless, and nothing the browser would fetch on its own (updates, sync, QUIC probes). */
export const chromiumArgs: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/** Throws, saying how to install it, when Chromium is missing. */
export function requireChromium(): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: the browser e2e suites need it. Install it with ` +
        "`apt-get update && apt-get install -y chromium` (or set CHROMIUM_PATH); `npx playwright install` cannot work offline.",
    );
  }
}

/** A fresh browser profile under `workDir` (its localStorage starts empty). */
export function launchChromium(workDir: string, viewport = { width: 1100, height: 760 }): Promise<BrowserContext> {
  requireChromium();
  return chromium.launchPersistentContext(join(workDir, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs],
    viewport,
  });
}
