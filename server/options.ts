/**
 * The server's options, their defaults, and the vocabulary shared by every module: header
 * models, outcomes, operation kinds.
 * @module
 */
import type { ArmServerHooks } from "./hooks.js";

/**
 * Which LRO headers the initial response carries: TypeSpec's `ArmAsyncOperationHeader`,
 * `ArmLroLocationHeader`, `ArmCombinedLroHeaders`; and `resource-location`, a `Location` naming the
 * resource itself, whose GET answers 200 with a non-terminal `provisioningState` until the
 * operation ends (what a Microsoft.Cache/Redis PUT does).
 */
export const lroHeaderModels = ["azure-async-operation", "location", "both", "resource-location"] as const;

/** One of {@link lroHeaderModels}. */
export type LroHeaderModel = (typeof lroHeaderModels)[number];

/** How an operation ends. */
export type Outcome = "succeed" | "fail" | "cancel";

/** What an operation does, which decides its initial status code, default headers and result. */
export type OperationKind = "create" | "replace" | "update" | "delete" | "restart" | "migrate";

/**
 * The word the status resource reports while an operation runs (after `Accepted`): `generic` says
 * `InProgress`; `provider` says what a resource provider would (`Creating`, `Updating`,
 * `Deleting`, `Restarting`, `Migrating`), which a client must also treat as "still running".
 */
export type ProgressWords = "generic" | "provider";

/**
 * Server-wide defaults of the per-request knobs (see `knobs.ts` for the query/header names that
 * override them per request).
 */
export interface OperationDefaults {
  /** How long an operation runs, in ms. @defaultValue 4000 */
  readonly duration?: number;
  /** `Retry-After` in seconds while running; `null` leaves the header out (the client's interval applies). @defaultValue 1 */
  readonly retryAfter?: number | null;
  /** When set, a `retry-after-ms` header too (which Azure clients prefer over `Retry-After`). @defaultValue unset */
  readonly retryAfterMs?: number;
  /** How operations end. @defaultValue "succeed" */
  readonly outcome?: Outcome;
  /** Whether status resources report `percentComplete`. @defaultValue true */
  readonly percentComplete?: boolean;
  /** The header model for every method; unset means ARM's default per method (PUT: Azure-AsyncOperation; others: Location). */
  readonly lroHeaders?: LroHeaderModel;
  /** The error code of a failed operation. @defaultValue "QuotaExceeded" */
  readonly errorCode?: string;
}

/** How much of the request log is kept in memory. Counters are exact whatever these say. */
export interface RequestLogLimits {
  /** Requests kept per operation (the oldest are dropped first). @defaultValue 200 */
  readonly perOperation?: number;
  /** Requests kept in the server-wide log, for `/_admin/requests`. @defaultValue 10000 */
  readonly total?: number;
}

/** Options of `startArmServer`. All optional. */
export interface ArmServerOptions extends OperationDefaults {
  /** The port on 127.0.0.1; 0 picks a free one. The server never binds another address. @defaultValue 0 */
  readonly port?: number;
  /** The clock, in epoch ms: inject one to make tests deterministic. Operations advance with it. @defaultValue Date.now */
  readonly now?: () => number;
  /** The api-versions the ARM routes accept. @defaultValue ["2024-01-01"] */
  readonly apiVersions?: readonly string[];
  /** The largest request body accepted, in bytes; larger ones get 413. @defaultValue 1 MiB */
  readonly maxBodyBytes?: number;
  /** Serve the files of this directory at `/` (`/` is `index.html`). @defaultValue none */
  readonly staticDir?: string;
  /** Answer CORS preflights and expose the LRO headers to any origin (for a dashboard served elsewhere). @defaultValue false */
  readonly cors?: boolean;
  /** See {@link ProgressWords}. @defaultValue "generic" */
  readonly progressWords?: ProgressWords;
  /** Refuse a PUT/PATCH/DELETE while another one runs on the resource (409 `AnotherOperationInProgress`), as ARM does; otherwise the latest wins. @defaultValue false */
  readonly conflictOnBusy?: boolean;
  /** The region of a PUT without `location`. @defaultValue "westeurope" */
  readonly defaultLocation?: string;
  /** Operations kept; past it the oldest are forgotten (their URLs then answer 404). @defaultValue 200000 */
  readonly maxOperations?: number;
  /** See {@link RequestLogLimits}. */
  readonly requestLog?: RequestLogLimits;
  /**
   * Serve https with this key and certificate (PEM) instead of http: every URL the server hands
   * out is then `https://127.0.0.1:PORT/…`. For tests of what a client does when an https
   * operation is pointed at http (with a throwaway certificate the client is told to trust).
   * @defaultValue none (http)
   */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /** Extension points consulted for every ARM request (fault injection plugs in here). */
  readonly hooks?: ArmServerHooks;
  /** Told of every unexpected exception (each one became a 500). The CLI prints them. @defaultValue none */
  readonly onError?: (error: unknown, request: { readonly method: string; readonly path: string }) => void;
}

/** Options with every default filled in. @internal */
export interface ResolvedOptions {
  readonly port: number;
  readonly now: () => number;
  readonly apiVersions: ReadonlySet<string>;
  readonly maxBodyBytes: number;
  readonly staticDir: string | undefined;
  readonly cors: boolean;
  readonly progressWords: ProgressWords;
  readonly conflictOnBusy: boolean;
  readonly defaultLocation: string;
  readonly maxOperations: number;
  readonly perOperationLog: number;
  readonly totalLog: number;
  readonly tls: { readonly key: string | Buffer; readonly cert: string | Buffer } | undefined;
  readonly defaults: Required<Omit<OperationDefaults, "lroHeaders" | "retryAfterMs" | "retryAfter">> & {
    readonly lroHeaders: LroHeaderModel | undefined;
    readonly retryAfter: number | null;
    readonly retryAfterMs: number | undefined;
  };
}

function nonNegative(name: string, value: number | undefined, fallback: number, integer = true): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new TypeError(`Expected \`${name}\` to be a non-negative ${integer ? "integer" : "number"}, got ${String(value)}`);
  }
  return value;
}

const isPem = (value: unknown): boolean => (typeof value === "string" || Buffer.isBuffer(value)) && value.length > 0;

/** Checks the options where they are given, and fills in the defaults. @internal */
export function resolveOptions(options: ArmServerOptions): ResolvedOptions {
  const apiVersions = options.apiVersions ?? ["2024-01-01"];
  if (apiVersions.length === 0 || !apiVersions.every((version) => typeof version === "string" && version !== "")) {
    throw new TypeError("Expected `apiVersions` to be a non-empty array of non-empty strings");
  }
  const port = nonNegative("port", options.port, 0);
  if (port > 65535) throw new TypeError(`Expected \`port\` to be at most 65535, got ${port}`);
  const outcome = options.outcome ?? "succeed";
  if (!["succeed", "fail", "cancel"].includes(outcome)) throw new TypeError(`Unknown outcome ${JSON.stringify(outcome)}`);
  const { tls } = options;
  if (tls !== undefined && !(isPem(tls.key) && isPem(tls.cert))) {
    throw new TypeError("Expected `tls` to be { key, cert }, both PEM strings or Buffers");
  }
  const lroHeaders = options.lroHeaders;
  if (lroHeaders !== undefined && !lroHeaderModels.includes(lroHeaders)) {
    throw new TypeError(`Unknown lroHeaders ${JSON.stringify(lroHeaders)}`);
  }
  return {
    port,
    now: options.now ?? Date.now,
    apiVersions: new Set(apiVersions),
    maxBodyBytes: nonNegative("maxBodyBytes", options.maxBodyBytes, 1024 * 1024),
    staticDir: options.staticDir,
    cors: options.cors ?? false,
    progressWords: options.progressWords ?? "generic",
    conflictOnBusy: options.conflictOnBusy ?? false,
    defaultLocation: options.defaultLocation ?? "westeurope",
    maxOperations: Math.max(1, nonNegative("maxOperations", options.maxOperations, 200_000)),
    perOperationLog: nonNegative("requestLog.perOperation", options.requestLog?.perOperation, 200),
    totalLog: nonNegative("requestLog.total", options.requestLog?.total, 10_000),
    tls,
    defaults: {
      duration: nonNegative("duration", options.duration, 4000),
      retryAfter: options.retryAfter === null ? null : nonNegative("retryAfter", options.retryAfter, 1),
      retryAfterMs: options.retryAfterMs === undefined ? undefined : nonNegative("retryAfterMs", options.retryAfterMs, 0),
      outcome,
      percentComplete: options.percentComplete ?? true,
      lroHeaders,
      errorCode: options.errorCode ?? "QuotaExceeded",
    },
  };
}
