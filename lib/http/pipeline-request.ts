import type { HttpHeaders, HttpMethods, PipelineRequest, PipelineRequestOptions } from "@azure/core-rest-pipeline";
import { createHttpHeaders } from "./http-headers.js";

/** The type of a request field in the core-rest-pipeline version compiled against (`unknown` where it has none). */
type RequestField<K extends string> = PipelineRequest extends { readonly [P in K]?: infer V } ? V : unknown;

/**
 * A core-rest-pipeline `PipelineRequest` from its options, filled in as its `createPipelineRequest`
 * does (1.9 to 1.24: the same fields and defaults; `agent` and `tlsSettings` belong to the
 * pipeline's policies, which set them), so that sending imports nothing from core-rest-pipeline's
 * index, which would bring its default pipeline and client into every app's bundle.
 *
 * Two differences, which no pipeline policy or client sees: without a `requestId` given, the
 * random one is made when first read (a pipeline's request-id policy reads it; an empty pipeline
 * never does; making a UUID was the largest single allocation of a poll); and a field left at
 * its default is read from the prototype rather than set on the request (`Object.keys` lists
 * only what is set), so that the request a poll's response keeps is small.
 */
export function createPipelineRequest(options: PipelineRequestOptions): PipelineRequest {
  return new LroPipelineRequest(options);
}

class LroPipelineRequest implements PipelineRequest {
  // Declared, not defined: the constructor sets what a request has, the prototype holds the rest.
  declare url: string;
  declare method: HttpMethods;
  declare headers: HttpHeaders;
  declare timeout: number;
  declare withCredentials: boolean;
  #requestId: string;
  declare body: PipelineRequest["body"];
  declare multipartBody: RequestField<"multipartBody">;
  declare formData: PipelineRequest["formData"];
  declare streamResponseStatusCodes: PipelineRequest["streamResponseStatusCodes"];
  declare enableBrowserStreams: boolean;
  declare proxySettings: PipelineRequest["proxySettings"];
  declare disableKeepAlive: boolean;
  declare abortSignal: PipelineRequest["abortSignal"];
  declare tracingOptions: PipelineRequest["tracingOptions"];
  declare onUploadProgress: PipelineRequest["onUploadProgress"];
  declare onDownloadProgress: PipelineRequest["onDownloadProgress"];
  declare allowInsecureConnection: boolean;
  declare requestOverrides: RequestField<"requestOverrides">;

  constructor(options: PipelineRequestOptions) {
    this.url = options.url;
    this.method = options.method ?? "GET";
    this.headers = options.headers ?? createHttpHeaders();
    this.#requestId = options.requestId ?? "";
    this.abortSignal = options.abortSignal;
    this.allowInsecureConnection = options.allowInsecureConnection ?? false;
    // Rarely given: an own property only when it is. Looked for among the keys the options have:
    // they come in several shapes (a poll's, the caller's initial request), and reading a field
    // an object lacks from that many shapes costs more than the constructor's other work. (A
    // poll's response keeps its request until the next poll: each field set is 8 bytes more for
    // every scavenge to copy.)
    const fields = options as unknown as Readonly<Record<string, unknown>>;
    for (const key in fields) {
      if (!rarelyGivenFields.has(key)) continue;
      const value = fields[key];
      if (value !== undefined) (this as unknown as Record<string, unknown>)[key] = value;
    }
  }

  /** A random UUID unless one was given (an empty one is not), made when first read. */
  get requestId(): string {
    return (this.#requestId ||= randomUuid());
  }

  set requestId(id: string) {
    this.#requestId = id;
  }
}

// core-rest-pipeline's defaults of the fields a request rarely sets; assigning one makes it own.
const rarelyGivenDefaults = {
  timeout: 0,
  withCredentials: false,
  body: undefined,
  multipartBody: undefined,
  formData: undefined,
  streamResponseStatusCodes: undefined,
  enableBrowserStreams: false,
  proxySettings: undefined,
  disableKeepAlive: false,
  tracingOptions: undefined,
  onUploadProgress: undefined,
  onDownloadProgress: undefined,
  requestOverrides: undefined,
};
Object.assign(LroPipelineRequest.prototype, rarelyGivenDefaults);
const rarelyGivenFields: ReadonlySet<string> = new Set(Object.keys(rarelyGivenDefaults));

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
