/**
 * Starts the public AutoRest test server (@microsoft.azure/autorest.testserver) on 127.0.0.1 only.
 *
 * - Spawned as `node -r listen-loopback.cjs <testserver>/dist/cli/cli.js run --port N
 *   --coverageDirectory <tmp>` (its npx / start-autorest-express entries are broken in 3.3.51).
 * - listen-loopback.cjs forces every TCP listen() in the server onto 127.0.0.1 (the server itself
 *   would bind all interfaces) and makes the server exit when our stdin pipe closes, so it cannot
 *   outlive this process even if we are SIGKILLed.
 * - Output is buffered in memory and only printed if start-up fails (or via `output()`).
 * - Coverage JSON files go to a private temp dir (removed on close), not to the repo.
 *
 * Test infrastructure only: node built-ins + global fetch.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const AUTOREST_HOST = "127.0.0.1";

export interface AutorestServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). Operation paths start with `/lro/...`. */
  url: string;
  port: number;
  /** Kills the server (SIGTERM, then SIGKILL after 3 s) and removes its coverage temp dir. */
  close(): Promise<void>;
  /** Everything the server printed so far (stdout + stderr), for debugging failures. */
  output(): string;
}

const here = dirname(fileURLToPath(import.meta.url));
const preloadPath = join(here, "listen-loopback.cjs");
const requireFromHere = createRequire(import.meta.url);

const STARTUP_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_CHARS = 200_000;

function testServerCliPath(): string {
  // The package has no "exports" map, so package.json is resolvable.
  const pkgJson = requireFromHere.resolve("@microsoft.azure/autorest.testserver/package.json");
  return join(dirname(pkgJson), "dist", "cli", "cli.js");
}

/** Asks the OS for a free port on 127.0.0.1 (there is a small race until the server binds it). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, AUTOREST_HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error("could not allocate a port"))));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves once `child` has exited (immediately if it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const done = exited(child);
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
  await done;
  clearTimeout(timer);
}

async function startOnce(port: number): Promise<AutorestServer> {
  const coverageDir = mkdtempSync(join(tmpdir(), "rx-lro-autorest-coverage-"));
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (output.length > MAX_OUTPUT_CHARS) {
      output = output.slice(-MAX_OUTPUT_CHARS);
    }
  };

  const child = spawn(
    process.execPath,
    [
      "-r",
      preloadPath,
      testServerCliPath(),
      "run",
      "--port",
      String(port),
      "--coverageDirectory",
      coverageDir,
      "--level",
      "warn",
    ],
    {
      cwd: coverageDir,
      // stdin is a pipe we never write to: when this process dies the pipe closes and the
      // preload makes the server exit (RX_LRO_EXIT_ON_STDIN_EOF).
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, RX_LRO_EXIT_ON_STDIN_EOF: "1", FORCE_COLOR: "0", NO_COLOR: "1" },
      windowsHide: true,
    },
  );
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);

  const killOnExit = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killOnExit);

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await killChild(child);
      process.removeListener("exit", killOnExit);
      rmSync(coverageDir, { recursive: true, force: true });
    })();
    return closed;
  };

  const url = `http://${AUTOREST_HOST}:${port}`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let spawnError: unknown;
  child.once("error", (error) => {
    spawnError = error;
  });

  while (Date.now() < deadline) {
    if (spawnError !== undefined || child.exitCode !== null || child.signalCode !== null) {
      await close();
      throw new Error(
        `AutoRest test server exited during start-up (code ${String(child.exitCode)}, signal ${String(child.signalCode)})` +
          (spawnError instanceof Error ? `: ${spawnError.message}` : "") +
          `\n--- server output ---\n${output}`,
      );
    }
    try {
      const response = await fetch(`${url}/report/azure`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) {
        const report = (await response.json()) as Record<string, unknown>;
        // Legacy LRO routes are registered before listen(), so this key proves they are loaded.
        if ("LROPutInlineComplete" in report) {
          return { url, port, close, output: () => output };
        }
      } else {
        await response.body?.cancel();
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }

  await close();
  throw new Error(
    `AutoRest test server did not answer on ${url} within ${STARTUP_TIMEOUT_MS} ms\n--- server output ---\n${output}`,
  );
}

/**
 * Starts the AutoRest test server on a free 127.0.0.1 port and waits until it answers.
 * Retries with another port (up to 3 times) if start-up fails, e.g. because the port was taken.
 */
export async function startAutorestServer(): Promise<AutorestServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freeLoopbackPort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Coverage categories the test server reports; the LRO routes use "azure" (and one "optional"). */
export type AutorestCoverageCategory = "azure" | "optional" | "vanilla" | "dpg";

/** `GET /report/<category>`: map of scenario name -> hit count. */
export async function readCoverage(
  url: string,
  category: AutorestCoverageCategory,
): Promise<Record<string, number>> {
  const response = await fetch(`${url.replace(/\/+$/, "")}/report/${category}`);
  if (!response.ok) {
    throw new Error(`GET /report/${category} answered ${response.status}`);
  }
  return (await response.json()) as Record<string, number>;
}

/** `GET /report/azure`: the coverage of (almost) every LRO scenario. */
export function readAzureCoverage(url: string): Promise<Record<string, number>> {
  return readCoverage(url, "azure");
}

/** `POST /report/clear`: resets every counter of every category to 0. */
export async function clearCoverage(url: string): Promise<void> {
  const response = await fetch(`${url.replace(/\/+$/, "")}/report/clear`, { method: "POST" });
  await response.body?.cancel();
  if (!response.ok) {
    throw new Error(`POST /report/clear answered ${response.status}`);
  }
}
