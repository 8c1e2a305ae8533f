import { decodeContinuationToken, maxContinuationTokenLength } from "../continuation-token.js";
import type { TrackedOperation } from "../tracked-operation.js";
import { isJsonObject } from "../http/body.js";
import { checkAbsoluteHttpUrl } from "../input-checks.js";
import type { LroStrategyName } from "../state.js";

const strategyByMode: Readonly<Record<string, LroStrategyName>> = {
  OperationLocation: "operationLocation",
  ResourceLocation: "location",
  Body: "bodyContent",
};

const modeByStrategy: Readonly<Record<LroStrategyName, string | undefined>> = {
  azureAsyncOperation: "OperationLocation",
  operationLocation: "OperationLocation",
  location: "ResourceLocation",
  bodyContent: "Body",
  statusCheck: undefined,
};

function invalid(reason: string): TypeError {
  return new TypeError(`Invalid @azure/core-lro state: ${reason}`);
}

function optionalText(config: Record<string, unknown>, key: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value === "") throw invalid(`\`config.${key}\` must be a non-empty string`);
  return value;
}

/**
 * Reads the `{ status, config }` state of an `@azure/core-lro` poller (v3 `operationState`, v2
 * `getOperationState()`, or the parsed output of `serialize()` / `toString()`) as an operation
 * rx-lro can follow. v2 states do not record the request, so their polling URL stands in for
 * it, and the final GET goes to the `resourceLocation` core-lro worked out.
 */
export function operationFromCoreLroState(state: unknown): TrackedOperation {
  if (!isJsonObject(state)) throw invalid("not an object");
  const config = state.config;
  if (!isJsonObject(config)) throw invalid("no `config`");
  const mode = isJsonObject(config.metadata) ? config.metadata.mode : undefined;
  const operationLocation = optionalText(config, "operationLocation");
  const resourceLocation = optionalText(config, "resourceLocation");
  const initialRequestUrl = optionalText(config, "initialRequestUrl");
  const method = (optionalText(config, "requestMethod") ?? (mode === "Body" ? "PUT" : "POST")).toUpperCase();
  const status = state.status;
  const strategy = typeof mode === "string" ? strategyByMode[mode] : undefined;
  const base = initialRequestUrl ?? operationLocation ?? resourceLocation;
  if (base === undefined) throw invalid("no URL to follow");
  let requestUrl: string;
  try {
    requestUrl = new URL(base).href;
  } catch {
    throw invalid("`config.initialRequestUrl` is not an absolute URL");
  }
  const absolute = (url: string) => new URL(url, requestUrl).href;
  if (strategy === undefined || operationLocation === undefined) {
    const finishedAs = status === "failed" || status === "canceled" ? status : "succeeded";
    return { strategy: "statusCheck", method, requestUrl, allowInsecureConnection: false, finishedAs };
  }
  const resultElsewhere = resourceLocation !== undefined && absolute(resourceLocation) !== requestUrl;
  return {
    strategy,
    method,
    requestUrl,
    pollingUrl: absolute(operationLocation),
    // core-lro has already decided where the result is: keep its decision.
    ...(resultElsewhere ? { location: absolute(resourceLocation), finalStateVia: "location" as const } : {}),
    ...(!resultElsewhere && method !== "PUT" && method !== "PATCH" && strategy === "operationLocation"
      ? { finalStateVia: "operation-location" as const }
      : {}),
    allowInsecureConnection: false,
  };
}

/** Parses what `@azure/core-lro`'s `serialize()` (v3) or `toString()` (v2) returned. */
export function operationFromCoreLroToken(serialized: string): TrackedOperation {
  if (serialized.length > maxContinuationTokenLength) throw invalid(`longer than ${maxContinuationTokenLength} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(serialized);
  } catch {
    throw invalid("not JSON");
  }
  if (!isJsonObject(parsed)) throw invalid("not a JSON object");
  return operationFromCoreLroState(parsed.state);
}

/** Whether a token is core-lro's JSON rather than rx-lro's base64url. */
export function isCoreLroToken(token: string): boolean {
  return token.trimStart().startsWith("{");
}

/** Where core-lro would send the final GET for this operation, had it inferred it itself. */
function coreLroResourceLocation(operation: TrackedOperation): string | undefined {
  const { method, finalStateVia, location, requestUrl } = operation;
  if (finalStateVia === "location" && location !== undefined) return new URL(location, requestUrl).href;
  if (method === "PUT" || method === "PATCH" || finalStateVia === "original-uri") return requestUrl;
  if (method === "DELETE" || finalStateVia === "azure-async-operation" || finalStateVia === "operation-location") return undefined;
  return location === undefined ? undefined : new URL(location, requestUrl).href;
}

/**
 * The other way round: an `@azure/core-lro` v3 serialised state for an rx-lro operation, for
 * `createHttpPoller(lro, { restoreFrom })`.
 */
export function coreLroStateFromOperation(operation: TrackedOperation): string {
  const mode = operation.finishedAs === undefined ? modeByStrategy[operation.strategy] : undefined;
  const resourceLocation = mode === "OperationLocation" ? coreLroResourceLocation(operation) : undefined;
  const config =
    mode === undefined
      ? {}
      : {
          metadata: { mode },
          operationLocation: operation.pollingUrl,
          ...(resourceLocation === undefined ? {} : { resourceLocation }),
          initialRequestUrl: operation.requestUrl,
          requestMethod: operation.method,
        };
  return JSON.stringify({ state: { status: operation.finishedAs ?? "running", config } });
}

/**
 * Turns an rx-lro continuation token into an `@azure/core-lro` v3 serialised state, so that an
 * Azure SDK poller can take over an operation rx-lro began:
 * `createHttpPoller(lro, { restoreFrom: toCoreLroState(state.continuationToken) })`, or a
 * generated client's `begin…(…, { resumeFrom: toCoreLroState(token) })`.
 *
 * @example
 * ```ts
 * // An Azure SDK client takes over an operation rx-lro began (or followed):
 * const poller = await computeClient.virtualMachines.beginStart(rg, vm, { resumeFrom: toCoreLroState(token) });
 * ```
 */
export function toCoreLroState(continuationToken: string): string {
  const operation = decodeContinuationToken(continuationToken);
  // core-lro will poll it without rx-lro's policy: at least an absolute http(s) URL (a token
  // may keep a polling URL rx-lro refused).
  if (operation.pollingUrl !== undefined) {
    try {
      checkAbsoluteHttpUrl("p", operation.pollingUrl);
    } catch {
      throw new TypeError("Invalid continuation token: `p` is not an absolute http(s) URL");
    }
  }
  return coreLroStateFromOperation(operation);
}
