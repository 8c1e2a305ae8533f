import { createDefaultHttpClient, createPipelineFromOptions } from "@azure/core-rest-pipeline";
import type { DefaultTransport } from "./default-transport.js";

/**
 * Makes the default pipeline and client. The one module of rx-lro's core that imports
 * core-rest-pipeline at run time, loaded with import() by default-transport.ts: naming just these
 * two factories (rather than importing the package itself lazily, whose every export an import()
 * would keep) leaves bundlers free to drop the rest of the package, also from an app that imports
 * parts of it itself.
 */
export function createDefaultTransport(): DefaultTransport {
  return { pipeline: createPipelineFromOptions({}), httpClient: createDefaultHttpClient() };
}
