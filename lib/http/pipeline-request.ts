import type {
  FormDataMap,
  HttpHeaders,
  HttpMethods,
  PipelineRequest,
  PipelineRequestOptions,
  ProxySettings,
  RequestBodyType,
  TransferProgressEvent,
} from "@azure/core-rest-pipeline";
import { createHttpHeaders } from "./http-headers.js";

/** Options of core-rest-pipeline versions after 1.9 (multipart bodies, request overrides): carried as given. */
type LaterRequestOptions = { readonly multipartBody?: unknown; readonly requestOverrides?: unknown };

/**
 * A request as core-rest-pipeline's `createPipelineRequest` fills it in (1.9 to 1.24: the same
 * fields and defaults; `agent` and `tlsSettings` belong to the pipeline's policies, which set
 * them), so that sending imports nothing from core-rest-pipeline's index, which would bring its
 * default pipeline and client into every app's bundle. One class: every request has the same
 * shape, which V8 reads fastest.
 */
class LroPipelineRequest {
  url: string;
  method: HttpMethods;
  headers: HttpHeaders;
  timeout: number;
  withCredentials: boolean;
  requestId: string;
  body?: RequestBodyType;
  multipartBody?: unknown;
  formData?: FormDataMap;
  streamResponseStatusCodes?: Set<number>;
  enableBrowserStreams?: boolean;
  proxySettings?: ProxySettings;
  disableKeepAlive?: boolean;
  abortSignal?: PipelineRequest["abortSignal"];
  tracingOptions?: PipelineRequest["tracingOptions"];
  onUploadProgress?: (progress: TransferProgressEvent) => void;
  onDownloadProgress?: (progress: TransferProgressEvent) => void;
  allowInsecureConnection?: boolean;
  requestOverrides?: unknown;

  constructor(options: PipelineRequestOptions & LaterRequestOptions) {
    this.url = options.url;
    this.method = options.method ?? "GET";
    this.headers = options.headers ?? createHttpHeaders();
    this.timeout = options.timeout ?? 0;
    this.withCredentials = options.withCredentials ?? false;
    this.requestId = options.requestId || randomUuid();
    this.body = options.body;
    this.multipartBody = options.multipartBody;
    this.formData = options.formData;
    this.streamResponseStatusCodes = options.streamResponseStatusCodes;
    this.enableBrowserStreams = options.enableBrowserStreams ?? false;
    this.proxySettings = options.proxySettings;
    this.disableKeepAlive = options.disableKeepAlive ?? false;
    this.abortSignal = options.abortSignal;
    this.tracingOptions = options.tracingOptions;
    this.onUploadProgress = options.onUploadProgress;
    this.onDownloadProgress = options.onDownloadProgress;
    this.allowInsecureConnection = options.allowInsecureConnection ?? false;
    this.requestOverrides = options.requestOverrides;
  }
}

/** A core-rest-pipeline `PipelineRequest` from its options, with the same defaults as `createPipelineRequest`. */
export function createPipelineRequest(options: PipelineRequestOptions): PipelineRequest {
  return new LroPipelineRequest(options) as PipelineRequest;
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
