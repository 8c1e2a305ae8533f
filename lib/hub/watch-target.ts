import type { HttpMethods } from "@azure/core-rest-pipeline";
import { decodeContinuationToken } from "../continuation-token.js";
import { describeValue } from "../errors/describe-value.js";
import { checkAbsoluteHttpUrl, checkMethod } from "../input-checks.js";
import { finalStateViaValues } from "../options.js";
import type { TrackedOperation } from "../tracked-operation.js";
import type { FinalStateVia, LroState } from "../state.js";
import { isJsonObject } from "../http/body.js";

/**
 * An operation known by its polling URL rather than a token. It is held to the same rule as a
 * token: its request URL (the polling URL when none is given) must be on a built-in Azure cloud
 * host over https or in `allowedHosts`, and its polling URL on that host or a listed one.
 */
export interface LroPollingTarget {
  /** The URL to poll: an `Azure-AsyncOperation`, `Operation-Location` or `Location` URL. */
  readonly pollingUrl: string;
  /** The method of the request that started the operation: it decides how the result is fetched. */
  readonly method: HttpMethods;
  /** The URL of that request: where a PUT/PATCH result is fetched, and the host trusted. @defaultValue pollingUrl */
  readonly requestUrl?: string;
  /** What the polling URL is. @defaultValue "azureAsyncOperation" */
  readonly strategy?: "azureAsyncOperation" | "operationLocation" | "location";
  /** How the result is fetched once it succeeds, as the operation's Swagger declares it. @defaultValue by method, as `beginLro` */
  readonly finalStateVia?: FinalStateVia;
  /** Lets an operation on `http://` be polled (core-rest-pipeline refuses http otherwise). */
  readonly allowInsecureConnection?: boolean;
}

/** What a hub can watch: a continuation token, a state (its token), or a polling URL. */
export type LroWatchTarget = string | LroState<unknown> | LroPollingTarget;

/** A watched operation's identity, its tracking record, and the state it is known to be in. */
export interface ResolvedTarget {
  readonly id: string;
  readonly operation: TrackedOperation;
  readonly known: LroState<unknown> | undefined;
}

const pollingStrategies: readonly string[] = ["azureAsyncOperation", "operationLocation", "location"];

/** A polling target checked field by field, at the call: it may come from storage, like a token. */
function operationOf(target: Record<string, unknown>): TrackedOperation {
  const pollingUrl = checkAbsoluteHttpUrl("target.pollingUrl", target.pollingUrl);
  const method = checkMethod("target.method", target.method);
  const requestUrl = target.requestUrl === undefined ? pollingUrl : checkAbsoluteHttpUrl("target.requestUrl", target.requestUrl);
  const { strategy, finalStateVia, allowInsecureConnection } = target;
  if (strategy !== undefined && !pollingStrategies.includes(strategy as string)) {
    throw new TypeError(`Expected \`target.strategy\` to be one of ${pollingStrategies.map((name) => `"${name}"`).join(", ")}, got ${describeValue(strategy)}`);
  }
  if (finalStateVia !== undefined && !finalStateViaValues.includes(finalStateVia as FinalStateVia)) {
    throw new TypeError(`Expected \`target.finalStateVia\` to be one of ${finalStateViaValues.map((value) => `"${value}"`).join(", ")}, got ${describeValue(finalStateVia)}`);
  }
  if (allowInsecureConnection !== undefined && typeof allowInsecureConnection !== "boolean") {
    throw new TypeError(`Expected \`target.allowInsecureConnection\` to be a boolean, got ${describeValue(allowInsecureConnection)}`);
  }
  return {
    strategy: (strategy as LroPollingTarget["strategy"]) ?? "azureAsyncOperation",
    method,
    requestUrl,
    pollingUrl,
    ...(finalStateVia === undefined ? {} : { finalStateVia: finalStateVia as FinalStateVia }),
    allowInsecureConnection: allowInsecureConnection === true && requestUrl.startsWith("http:"),
  };
}

/**
 * Normalises a watch target. Its id is the method and the polling URL (or the request URL of an
 * operation that finished without polling), so the same operation reached by different routes
 * shares one poll loop.
 */
export function resolveTarget(target: LroWatchTarget): ResolvedTarget {
  if (typeof target !== "string" && !isJsonObject(target as unknown)) {
    throw new TypeError(`Expected \`target\` to be a continuation token, a state, or { pollingUrl, method }, got ${describeValue(target)}`);
  }
  const known = typeof target === "object" && "status" in target ? (target as LroState<unknown>) : undefined;
  if (known !== undefined && typeof (known.continuationToken as unknown) !== "string") {
    throw new TypeError(`Expected the state's \`continuationToken\` to be a string, got ${describeValue(known.continuationToken)}`);
  }
  const operation =
    typeof target === "string"
      ? decodeContinuationToken(target)
      : known !== undefined
        ? decodeContinuationToken(known.continuationToken)
        : operationOf(target as unknown as Record<string, unknown>);
  return { id: `${operation.method} ${operation.pollingUrl ?? operation.requestUrl}`, operation, known };
}
