import type { TrackedOperation } from "./tracked-operation.js";
import { httpMethods } from "./input-checks.js";
import type { FinalStateVia, LroStrategyName } from "./state.js";

/** Tokens are untrusted input: anything longer is refused before parsing. */
export const maxContinuationTokenLength = 64 * 1024;

interface TokenV1 {
  readonly v: 1;
  readonly s: LroStrategyName;
  readonly m: string;
  readonly u: string;
  readonly p?: string;
  readonly l?: string;
  readonly f?: FinalStateVia;
  readonly i?: 1;
  readonly c?: string;
  readonly d?: "succeeded" | "failed" | "canceled";
}

const strategies: ReadonlySet<string> = new Set(["azureAsyncOperation", "operationLocation", "location", "bodyContent", "statusCheck"]);
const methods: ReadonlySet<string> = new Set(httpMethods);
const finalStates: ReadonlySet<string> = new Set(["azure-async-operation", "location", "original-uri", "operation-location"]);
const endings: ReadonlySet<string> = new Set(["succeeded", "failed", "canceled"]);

const nonAscii = /[^\x00-\x7f]/;
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

// Tokens are almost always ASCII (URLs): those skip the byte-by-byte UTF-8 round trip.
function toBase64Url(text: string): string {
  let binary = text;
  if (nonAscii.test(text)) {
    binary = "";
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(token: string): string {
  const binary = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
  return nonAscii.test(binary) ? utf8Decoder.decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))) : binary;
}

/** Encodes an operation as a continuation token: versioned JSON, base64url. No credentials, no bodies. */
export function encodeContinuationToken(operation: TrackedOperation): string {
  // Built by assignment, in the token's key order: V8 builds conditional spreads many times slower.
  const token: { -readonly [K in keyof TokenV1]: TokenV1[K] } = { v: 1, s: operation.strategy, m: operation.method, u: operation.requestUrl };
  if (operation.pollingUrl !== undefined) token.p = operation.pollingUrl;
  if (operation.location !== undefined) token.l = operation.location;
  if (operation.finalStateVia !== undefined) token.f = operation.finalStateVia;
  if (operation.allowInsecureConnection) token.i = 1;
  if (operation.clientRequestId !== undefined) token.c = operation.clientRequestId;
  if (operation.finishedAs !== undefined) token.d = operation.finishedAs;
  return toBase64Url(JSON.stringify(token));
}

function invalid(reason: string): TypeError {
  return new TypeError(`Invalid continuation token: ${reason}`);
}

function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw invalid(`\`${key}\` must be a non-empty string`);
  return value;
}

function httpUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`\`${key}\` is not an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid(`\`${key}\` is not an http(s) URL`);
  return url.href;
}

function normalizedUrl(value: string): string {
  try {
    return new URL(value).href;
  } catch {
    return value;
  }
}

/**
 * Decodes and validates a continuation token. It is untrusted input: size-limited, strictly
 * typed, the request URL absolute http(s). Its polling URL is left to the polling-URL policy,
 * which `resumeLro` and a hub's `watch` apply (with the host rule) before anything is sent, and
 * the polling loop again, as it would to a live response's.
 * @throws TypeError with the reason, for anything that is not a token this library wrote.
 */
export function decodeContinuationToken(token: string): TrackedOperation {
  if (typeof token !== "string") throw invalid(`expected a string, got ${typeof token}`);
  if (token.length > maxContinuationTokenLength) throw invalid(`longer than ${maxContinuationTokenLength} characters`);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw invalid("not base64url text");
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromBase64Url(token));
  } catch {
    throw invalid("not base64url-encoded JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalid("not a JSON object");
  const record = parsed as Record<string, unknown>;
  if (record.v !== 1) throw invalid(`unsupported version ${JSON.stringify(record.v)}`);
  const strategy = optionalString(record, "s");
  if (strategy === undefined || !strategies.has(strategy)) throw invalid("unknown strategy");
  const method = optionalString(record, "m");
  if (method === undefined || !methods.has(method)) throw invalid("unknown method");
  const requestUrl = optionalString(record, "u");
  if (requestUrl === undefined) throw invalid("missing request URL");
  const pollingUrl = optionalString(record, "p");
  const location = optionalString(record, "l");
  const finalStateVia = optionalString(record, "f");
  if (finalStateVia !== undefined && !finalStates.has(finalStateVia)) throw invalid("unknown final-state-via");
  const clientRequestId = optionalString(record, "c");
  // It becomes a header value on every poll: printable ASCII only, so it cannot smuggle a header.
  if (clientRequestId !== undefined && !/^[\x21-\x7e]{1,256}$/.test(clientRequestId)) throw invalid("`c` is not a valid request id");
  const finishedAs = optionalString(record, "d");
  if (finishedAs !== undefined && !endings.has(finishedAs)) throw invalid("unknown ending");
  if (record.i !== undefined && record.i !== 1) throw invalid("`i` must be 1");
  if (pollingUrl === undefined && finishedAs === undefined) throw invalid("neither a polling URL nor an ending");
  return {
    strategy: strategy as LroStrategyName,
    method,
    requestUrl: httpUrl(requestUrl, "u"),
    // Not checked here but by the polling-URL policy, before anything is sent: a token can keep
    // a URL the policy refused (see refusedUrlForToken), to refuse it again.
    ...(pollingUrl === undefined ? {} : { pollingUrl: normalizedUrl(pollingUrl) }),
    ...(location === undefined ? {} : { location }),
    ...(finalStateVia === undefined ? {} : { finalStateVia: finalStateVia as FinalStateVia }),
    allowInsecureConnection: record.i === 1,
    ...(clientRequestId === undefined ? {} : { clientRequestId }),
    ...(finishedAs === undefined ? {} : { finishedAs: finishedAs as TrackedOperation["finishedAs"] & string }),
  };
}
