/**
 * The two libraries, driven the same way: start operation `index`, call `done` once it has
 * finished (with an error if it did not succeed). Each side does what its documentation says a
 * user does to follow an ARM PUT to its result.
 * @module
 */
import { createEmptyPipeline, type HttpClient, type Pipeline } from "@azure/core-rest-pipeline";
import { createHttpPoller } from "@azure/core-lro";
import { rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { coreLroOperation } from "./core-lro-adapter.js";
import type { InMemoryArm } from "./in-memory-arm.js";
import { sleep } from "./report.js";

/**
 * rx-lro as users get it: `lib/index.ts` compiled the way `npm run build` (tsup, i.e. esbuild)
 * compiles it, into `bench/.build/`, and imported from there. Not through tsx: tsx compiles with
 * esbuild's `keepNames`, which wraps every function expression in a `__name()` call (an
 * `Object.defineProperty` per closure created) that the published package does not have, and
 * which alone cost rx-lro ~10% CPU in measurement 1. core-lro runs from its published build too.
 *
 * `RX_LRO_ENTRY` measures another version: a `.ts` entry (relative to the repository root) is
 * built the same way; a `.js`/`.mjs`/`.cjs` file (e.g. `dist/index.js`) is imported as it is.
 */
export const rxLroEntry = process.env.RX_LRO_ENTRY ?? "lib/index.ts";
const { beginLro, lroResult } = (await loadRxLro(rxLroEntry)) as typeof import("../lib/index.js");

async function loadRxLro(entry: string): Promise<unknown> {
  const root = new URL("../", import.meta.url);
  if (/\.[cm]?js$/.test(entry)) return import(new URL(entry, root).href);
  const outfile = fileURLToPath(new URL(`./.build/rx-lro-${process.pid}.mjs`, import.meta.url));
  await build({
    entryPoints: [fileURLToPath(new URL(entry, root))],
    bundle: true,
    format: "esm",
    platform: "node",
    target: "es2022",
    packages: "external",
    outfile,
    logLevel: "silent",
  });
  try {
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(outfile, { force: true });
  }
}

export type Library = "rx-lro" | "core-lro";

export interface Setup {
  readonly pipeline: Pipeline;
  readonly httpClient: HttpClient;
  /** The request URL of operation `index`. */
  readonly url: (index: number) => string;
  /** The delay when a response has no Retry-After; `undefined` keeps each library's default (2000 ms for both). */
  readonly intervalInMs?: number;
  /** For http:// (the loopback server). */
  readonly allowInsecureConnection?: boolean;
}

/** A started operation: how to stop it early (unsubscribe / abort). */
export interface Handle {
  stop(): void;
}

/** The body of every PUT. */
export const widget = { location: "westeurope", properties: { size: 3 } };

function isSucceededWidget(result: unknown): boolean {
  return (result as { properties?: { provisioningState?: unknown } } | undefined)?.properties?.provisioningState === "Succeeded";
}

/**
 * rx-lro: `beginLro(request, { httpClient, pipeline, intervalInMs }).pipe(lroResult())`,
 * subscribed; `stop` unsubscribes.
 */
export function startRxLro(setup: Setup, index: number, done: (error?: unknown) => void): Handle {
  const options = {
    httpClient: setup.httpClient,
    pipeline: setup.pipeline,
    ...(setup.intervalInMs === undefined ? {} : { intervalInMs: setup.intervalInMs }),
  };
  const request = {
    url: setup.url(index),
    method: "PUT" as const,
    json: widget,
    ...(setup.allowInsecureConnection ? { allowInsecureConnection: true } : {}),
  };
  const subscription = beginLro(request, options)
    .pipe(lroResult())
    .subscribe({
      next: (result) => done(isSucceededWidget(result) ? undefined : new Error(`unexpected result ${JSON.stringify(result)}`)),
      error: (error: unknown) => done(error),
    });
  return { stop: () => subscription.unsubscribe() };
}

/**
 * core-lro: `createHttpPoller(runningOperation, { intervalInMs })`, then
 * `poller.pollUntilDone({ abortSignal })` (what `await poller` does, plus the signal `stop` fires).
 */
export function startCoreLro(setup: Setup, index: number, done: (error?: unknown) => void): Handle {
  const operation = coreLroOperation(setup, {
    url: setup.url(index),
    method: "PUT",
    json: widget,
    ...(setup.allowInsecureConnection ? { allowInsecureConnection: true } : {}),
  });
  const poller = createHttpPoller(operation, setup.intervalInMs === undefined ? {} : { intervalInMs: setup.intervalInMs });
  const controller = new AbortController();
  poller.pollUntilDone({ abortSignal: controller.signal }).then(
    (result) => done(isSucceededWidget(result) ? undefined : new Error(`unexpected result ${JSON.stringify(result)}`)),
    (error: unknown) => done(error),
  );
  return { stop: () => controller.abort() };
}

export const start: Readonly<Record<Library, typeof startRxLro>> = { "rx-lro": startRxLro, "core-lro": startCoreLro };

/**
 * Runs `total` operations, at most `concurrency` at once (each one that ends starts the next),
 * and resolves when all have ended; rejects with the first failure. With `rampMs`, the first
 * `concurrency` operations start evenly spread over that time instead of all at once.
 */
export function drive(library: Library, setup: Setup, total: number, concurrency: number, rampMs = 0): Promise<void> {
  const begin = start[library];
  const first = Math.min(concurrency, total);
  return new Promise<void>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    let failed = false;
    const launch = () => {
      const index = next++;
      begin(setup, index, (error) => {
        if (failed) return;
        if (error !== undefined) {
          failed = true;
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        finished++;
        if (finished === total) resolve();
        // Past the first `concurrency`, each operation that ends starts the next.
        else if (next >= first && next < total) launch();
      });
    };
    if (rampMs <= 0) {
      while (next < first) launch();
      return;
    }
    const t0 = performance.now();
    const tick = () => {
      const due = Math.min(first, Math.floor(((performance.now() - t0) / rampMs) * first) + 1);
      while (next < due) launch();
      if (next < first) setTimeout(tick, 1);
    };
    tick();
  });
}

/** The in-memory setup of measurements 1 and 2: `arm` behind an empty pipeline, `intervalInMs: 0`. */
export function inMemorySetup(arm: InMemoryArm): Setup {
  return { pipeline: createEmptyPipeline(), httpClient: arm, url: (index) => arm.resourceUrl(index), intervalInMs: 0 };
}

/**
 * Starts operations 0 … `operations` − 1 on `arm` (which answers every poll `InProgress` with
 * `Retry-After: 60`) and resolves once each has had its first poll answered: parked on its 60 s
 * timer, as measurement 2 counts them. `ended` hears of any that ends; past 30 s it rejects.
 */
export async function park(
  library: Library,
  setup: Setup,
  arm: InMemoryArm,
  operations: number,
  ended: (error?: unknown) => void = () => undefined,
): Promise<Handle[]> {
  const handles: Handle[] = [];
  for (let index = 0; index < operations; index++) handles.push(start[library](setup, index, ended));
  const deadline = performance.now() + 30_000;
  while (arm.polledAtLeast(1) < operations) {
    if (performance.now() > deadline) throw new Error(`${library}: only ${arm.polledAtLeast(1)} operations polled`);
    await sleep(5);
  }
  await sleep(20);
  return handles;
}
