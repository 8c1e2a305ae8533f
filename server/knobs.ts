/**
 * Per-request knobs: how the operation a request starts behaves. Each can be given as a query
 * parameter or as an `x-demo-*` header (the query wins), and falls back to the server's default.
 *
 * | query            | header                    | values                                   |
 * |------------------|---------------------------|------------------------------------------|
 * | `duration`       | `x-demo-duration`         | ms, integer ≥ 0                          |
 * | `retryAfter`     | `x-demo-retry-after`      | s, integer ≥ 0, or `none` (no header)    |
 * | `retryAfterMs`   | `x-demo-retry-after-ms`   | ms, integer ≥ 0 (adds `retry-after-ms`)  |
 * | `outcome`        | `x-demo-outcome`          | `succeed` \| `fail` \| `cancel`          |
 * | `percentComplete`| `x-demo-percent-complete` | `true` \| `false`                        |
 * | `lroHeaders`     | `x-demo-lro-headers`      | `azure-async-operation` \| `location` \| `both` \| `resource-location` |
 * | `errorCode`      | `x-demo-error-code`       | `[A-Za-z0-9._-]{1,64}`                   |
 *
 * A knob with a value outside these is refused (400 `InvalidDemoParameter`) rather than ignored,
 * so a typo in a test cannot silently run the default scenario.
 * @module
 */
import type { IncomingHttpHeaders } from "node:http";
import { ArmHttpError } from "./arm-errors.js";
import { lroHeaderModels, type LroHeaderModel, type OperationKind, type Outcome, type ResolvedOptions } from "./options.js";

/** The settings of one operation, after knobs and defaults. */
export interface OperationSettings {
  readonly duration: number;
  /** `null`: no `Retry-After` header. */
  readonly retryAfter: number | null;
  readonly retryAfterMs: number | undefined;
  readonly outcome: Outcome;
  readonly percentComplete: boolean;
  readonly lroHeaders: LroHeaderModel;
  readonly errorCode: string;
}

/** The knobs, by query name, with their header names. */
export const knobHeaders = {
  duration: "x-demo-duration",
  retryAfter: "x-demo-retry-after",
  retryAfterMs: "x-demo-retry-after-ms",
  outcome: "x-demo-outcome",
  percentComplete: "x-demo-percent-complete",
  lroHeaders: "x-demo-lro-headers",
  errorCode: "x-demo-error-code",
} as const;

type KnobName = keyof typeof knobHeaders;

const maxDurationMs = 24 * 60 * 60 * 1000;

function invalid(name: KnobName, value: string, expected: string): ArmHttpError {
  return new ArmHttpError(
    400,
    "InvalidDemoParameter",
    `The value '${value}' of '${name}' (or '${knobHeaders[name]}') is invalid: expected ${expected}.`,
  );
}

function raw(name: KnobName, query: URLSearchParams, headers: IncomingHttpHeaders): string | undefined {
  const fromQuery = query.get(name);
  if (fromQuery !== null) return fromQuery.trim();
  const fromHeader = headers[knobHeaders[name]];
  return typeof fromHeader === "string" ? fromHeader.trim() : undefined;
}

function integer(name: KnobName, value: string, max: number): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > max) throw invalid(name, value, `an integer from 0 to ${max}`);
  return Number(value);
}

function oneOf<T extends string>(name: KnobName, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  const found = allowed.find((candidate) => candidate === lower);
  if (found === undefined) throw invalid(name, value, allowed.join(" | "));
  return found;
}

/** ARM's defaults: PUT polls an operation status resource; PATCH, DELETE and POST a Location. */
export function defaultHeaderModel(kind: OperationKind): LroHeaderModel {
  return kind === "create" || kind === "replace" ? "azure-async-operation" : "location";
}

/** Reads the knobs of a request that starts an operation. @throws ArmHttpError 400 on a bad value. */
export function readKnobs(
  kind: OperationKind,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  options: ResolvedOptions,
): OperationSettings {
  const { defaults } = options;
  const get = (name: KnobName) => raw(name, query, headers);
  const duration = get("duration");
  const retryAfter = get("retryAfter");
  const retryAfterMs = get("retryAfterMs");
  const outcome = get("outcome");
  const percentComplete = get("percentComplete");
  const lroHeaders = get("lroHeaders");
  const errorCode = get("errorCode");
  if (errorCode !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(errorCode)) {
    throw invalid("errorCode", errorCode, "1 to 64 of A-Z a-z 0-9 . _ -");
  }
  return {
    duration: duration === undefined ? defaults.duration : integer("duration", duration, maxDurationMs),
    retryAfter:
      retryAfter === undefined
        ? defaults.retryAfter
        : retryAfter.toLowerCase() === "none"
          ? null
          : integer("retryAfter", retryAfter, 3600),
    retryAfterMs: retryAfterMs === undefined ? defaults.retryAfterMs : integer("retryAfterMs", retryAfterMs, 3_600_000),
    outcome: outcome === undefined ? defaults.outcome : oneOf("outcome", outcome, ["succeed", "fail", "cancel"] as const),
    percentComplete:
      percentComplete === undefined
        ? defaults.percentComplete
        : oneOf("percentComplete", percentComplete, ["true", "false"] as const) === "true",
    lroHeaders:
      lroHeaders === undefined
        ? (defaults.lroHeaders ?? defaultHeaderModel(kind))
        : oneOf("lroHeaders", lroHeaders, lroHeaderModels),
    errorCode: errorCode ?? defaults.errorCode,
  };
}
