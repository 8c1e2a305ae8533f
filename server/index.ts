/**
 * An embedded Azure Resource Manager provider with long-running operations, on 127.0.0.1: the
 * target of rx-lro's demo, dashboards, benchmarks and fault-injection tests.
 *
 * ```ts
 * import { startArmServer } from "./server/index.js";
 *
 * const server = await startArmServer({ duration: 2000 });
 * const url = server.resourceUrl("w1", { query: { outcome: "fail" } });
 * // PUT url → 201 + Azure-AsyncOperation; poll it; then server.operations(), server.stats()
 * await server.close();
 * ```
 *
 * See `server/README.md` for the routes, knobs and admin endpoints.
 * @module
 */
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { AdminTarget } from "./admin.js";
import { createClientErrorHandler, createListener, type ServerState } from "./app.js";
import type { ArmServerHooks } from "./hooks.js";
import { OperationStore } from "./operations.js";
import { resolveOptions, type ArmServerOptions } from "./options.js";
import {
  Recorder,
  type OperationQuery,
  type OperationSnapshot,
  type RequestQuery,
  type RequestRecord,
  type ServerStats,
} from "./recorder.js";
import { WidgetStore } from "./resources.js";
import { StaticFiles } from "./static-files.js";

export type { ArmErrorBody, ArmErrorDetail } from "./arm-errors.js";
export type { ArmResponse, ArmServerHooks, HookContext, WireFault } from "./hooks.js";
export { knobHeaders, type OperationSettings } from "./knobs.js";
export type { FailedResultBody, MigrationResult, OperationStatus, OperationStatusBody, TerminalStatus, WidgetBody } from "./operations.js";
export type {
  ArmServerOptions,
  LroHeaderModel,
  OperationDefaults,
  OperationKind,
  Outcome,
  ProgressWords,
  RequestLogLimits,
} from "./options.js";
export type { OperationQuery, OperationSnapshot, RequestKind, RequestQuery, RequestRecord, ServerStats } from "./recorder.js";

/** Where {@link ArmServer.resourceUrl} points. */
export interface ResourceUrlOptions {
  /** @defaultValue "00000000-0000-0000-0000-000000000000" */
  readonly subscription?: string;
  /** @defaultValue "demo-rg" */
  readonly resourceGroup?: string;
  /** A widget action: `…/widgets/{name}/{action}`. */
  readonly action?: "restart" | "migrate";
  /** @defaultValue the first of `apiVersions` */
  readonly apiVersion?: string;
  /** Knobs and any other query parameters. */
  readonly query?: Readonly<Record<string, string | number | boolean>>;
}

/** A running server. */
export interface ArmServer {
  /** `http://127.0.0.1:PORT` (`https://` with the `tls` option), no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and ends every connection, keep-alive ones included. Idempotent. */
  close(): Promise<void>;
  /** The server's clock. */
  now(): number;
  /** The URL of a widget (or one of its actions), with the api-version. */
  resourceUrl(name: string, options?: ResourceUrlOptions): string;
  /** Totals since start or the last reset. */
  stats(): ServerStats;
  /** The operations held, oldest first. */
  operations(query?: OperationQuery): OperationSnapshot[];
  /** One operation, or `undefined` when unknown (or forgotten past `maxOperations`). */
  operation(id: string): OperationSnapshot | undefined;
  /** The requests of one operation (`requests(id)`), or of the server-wide log. */
  requests(query?: RequestQuery | string): RequestRecord[];
  /** How many polls (status or Location) an operation received strictly after `time`: 0 answers "did it receive any poll after T?". */
  pollsAfter(operationId: string, time: number): number;
  /** Forgets every operation, widget and record. */
  reset(): void;
  /** Replaces the hooks (fault injection), or removes them with `undefined`. */
  setHooks(hooks: ArmServerHooks | undefined): void;
}

/**
 * Starts the server on 127.0.0.1 (and nowhere else), on `options.port` or a free port.
 * @throws TypeError on invalid options; the listen error (e.g. EADDRINUSE) if it cannot listen.
 */
export async function startArmServer(options: ArmServerOptions = {}): Promise<ArmServer> {
  const resolved = resolveOptions(options);
  const staticFiles = resolved.staticDir === undefined ? undefined : await StaticFiles.open(resolved.staticDir);
  const operations = new OperationStore(resolved.maxOperations);
  const widgets = new WidgetStore();
  const recorder = new Recorder(resolved.now, operations, resolved.perOperationLog, resolved.totalLog);

  const snapshot = (id: string): OperationSnapshot | undefined => {
    const operation = operations.get(id);
    return operation === undefined ? undefined : recorder.snapshot(operation, state.baseUrl);
  };
  const reset = () => {
    operations.clear();
    widgets.clear();
    recorder.reset();
  };
  const admin: AdminTarget = {
    stats: () => recorder.stats(widgets.count(resolved.now())),
    operations: (query) => recorder.list(state.baseUrl, query),
    operation: snapshot,
    requests: (query) => recorder.requests(query),
    reset,
  };
  const state: ServerState = {
    options: resolved,
    operations,
    widgets,
    recorder,
    staticFiles,
    admin,
    onError: options.onError,
    baseUrl: "",
    hooks: options.hooks ?? {},
  };

  const listener = createListener(state);
  const server = resolved.tls === undefined ? createServer(listener) : createTlsServer({ ...resolved.tls }, listener);
  server.on("clientError", createClientErrorHandler(state));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept queue: benchmarks open thousands of connections at once.
    server.listen({ host: "127.0.0.1", port: resolved.port, backlog: 4096 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Past listening, a server error must not become an uncaught exception.
  server.on("error", (error) => state.onError?.(error, { method: "-", path: "-" }));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `${resolved.tls === undefined ? "http" : "https"}://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: state.baseUrl,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
    now: resolved.now,
    resourceUrl(name, { subscription, resourceGroup, action, apiVersion, query } = {}) {
      const path =
        `/subscriptions/${encodeURIComponent(subscription ?? "00000000-0000-0000-0000-000000000000")}` +
        `/resourceGroups/${encodeURIComponent(resourceGroup ?? "demo-rg")}` +
        `/providers/Microsoft.Demo/widgets/${encodeURIComponent(name)}${action === undefined ? "" : `/${action}`}`;
      const search = new URLSearchParams({ "api-version": apiVersion ?? [...resolved.apiVersions][0]! });
      for (const [key, value] of Object.entries(query ?? {})) search.set(key, String(value));
      return `${state.baseUrl}${path}?${search.toString()}`;
    },
    stats: () => admin.stats() as ServerStats,
    operations: (query) => recorder.list(state.baseUrl, query),
    operation: snapshot,
    requests: (query) => recorder.requests(typeof query === "string" ? { operationId: query } : query),
    pollsAfter: (operationId, time) => recorder.pollsAfter(operationId, time),
    reset,
    setHooks(hooks) {
      state.hooks = hooks ?? {};
    },
  };
}
