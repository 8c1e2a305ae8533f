import type { HttpClient, Pipeline } from "@azure/core-rest-pipeline";

/** The pipeline and client requests go through when the caller gives none. */
export interface DefaultTransport {
  /** `createPipelineFromOptions({})`: retries, redirects, user agent, request ids; no authentication. */
  readonly pipeline: Pipeline;
  /** `createDefaultHttpClient()`: fetch in a browser, `node:http(s)` in Node. */
  readonly httpClient: HttpClient;
}

// Loaded with import() on first use: the module that makes them is the only one of rx-lro's core
// that imports core-rest-pipeline at run time, whose default pipeline and client (~31 KB minified
// with their dependencies) an app that passes its own pipeline and client (or sends through
// Angular's HttpClient) never needs. Bundlers put it in a chunk of its own, loaded only by an app
// that uses a default. Created on first use, not at import, so that importing rx-lro has no side
// effects.
let loaded: DefaultTransport | undefined;
let loading: Promise<DefaultTransport> | undefined;

/** The default transport if it has been loaded, so that requests after the first go out at once. */
export function loadedDefaultTransport(): DefaultTransport | undefined {
  return loaded;
}

/**
 * Loads core-rest-pipeline and makes the default pipeline and client, once: every operation that
 * uses a default shares them (and so the client's connections). A failed load is not remembered,
 * so that a later request tries again (a chunk that failed to download, say).
 */
export function loadDefaultTransport(): Promise<DefaultTransport> {
  return (loading ??= import("./create-default-transport.js")
    .then(({ createDefaultTransport }) => (loaded = createDefaultTransport()))
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}
