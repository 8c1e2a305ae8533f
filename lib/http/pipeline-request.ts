import type { PipelineRequest, PipelineRequestOptions } from "@azure/core-rest-pipeline";
import { createHttpHeaders } from "./http-headers.js";

/** Options of core-rest-pipeline versions after 1.9 (multipart bodies, request overrides): carried as given. */
type LaterRequestOptions = { readonly multipartBody?: unknown; readonly requestOverrides?: unknown };

/**
 * A core-rest-pipeline `PipelineRequest` from its options, filled in as its `createPipelineRequest`
 * does (1.9 to 1.24: the same fields and defaults; `agent` and `tlsSettings` belong to the
 * pipeline's policies, which set them), so that sending imports nothing from core-rest-pipeline's
 * index, which would bring its default pipeline and client into every app's bundle. Every field
 * in one literal, in one order: each request has the same shape, which V8 reads fastest.
 */
export function createPipelineRequest(options: PipelineRequestOptions): PipelineRequest {
  const given: PipelineRequestOptions & LaterRequestOptions = options;
  const request: PipelineRequest & LaterRequestOptions = {
    url: given.url,
    method: given.method ?? "GET",
    headers: given.headers ?? createHttpHeaders(),
    timeout: given.timeout ?? 0,
    withCredentials: given.withCredentials ?? false,
    requestId: given.requestId || randomUuid(),
    body: given.body,
    multipartBody: given.multipartBody,
    formData: given.formData,
    streamResponseStatusCodes: given.streamResponseStatusCodes,
    enableBrowserStreams: given.enableBrowserStreams ?? false,
    proxySettings: given.proxySettings,
    disableKeepAlive: given.disableKeepAlive ?? false,
    abortSignal: given.abortSignal,
    tracingOptions: given.tracingOptions,
    onUploadProgress: given.onUploadProgress,
    onDownloadProgress: given.onDownloadProgress,
    allowInsecureConnection: given.allowInsecureConnection ?? false,
    requestOverrides: given.requestOverrides,
  };
  return request;
}

/**
 * A random (version 4) UUID, for request ids. `crypto.randomUUID` exists only in secure contexts
 * in browsers (https, localhost); `crypto.getRandomValues` everywhere.
 */
export function randomUuid(crypto: Pick<Crypto, "getRandomValues"> & Partial<Pick<Crypto, "randomUUID">> = globalThis.crypto): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
