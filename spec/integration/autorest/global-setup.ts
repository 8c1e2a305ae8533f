/**
 * vitest 4 globalSetup: starts ONE AutoRest test server (127.0.0.1 only) for the whole run and
 * provides its base URL to the specs:
 *
 *   // vitest.config.ts
 *   test: { globalSetup: ["spec/integration/autorest/global-setup.ts"] }
 *
 *   // a spec
 *   import { inject } from "vitest";
 *   const url = inject("autorestUrl"); // "http://127.0.0.1:<port>"
 *
 * The server keeps global, cookie-keyed scenario state and a global coverage report, so run the
 * LRO scenarios sequentially (no `describe.concurrent`) and give each LRO a fresh cookie jar.
 */
// The (empty, type-only) import of "vitest" is required: without it TypeScript rejects the
// augmentation below with TS2664 "module 'vitest' cannot be found" (only "vitest/node" is imported).
import type {} from "vitest";
import type { TestProject } from "vitest/node";
import { startAutorestServer } from "./server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the AutoRest test server, e.g. `http://127.0.0.1:41234` (no trailing slash). */
    autorestUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startAutorestServer();
  project.provide("autorestUrl", server.url);
  return async () => {
    await server.close();
  };
}
