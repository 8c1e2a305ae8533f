/**
 * Reading request bodies (bounded) and writing responses given as data.
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ArmHttpError } from "./arm-errors.js";
import type { ArmResponse } from "./hooks.js";

/** The client went away before the request was read: there is nobody to answer. */
export class ClientGoneError extends Error {
  override readonly name = "ClientGoneError";
}

/** Whether a request announces a body (RFC 9112 §6.3: Content-Length or Transfer-Encoding). */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/**
 * Reads the request body, up to `limit` bytes. A larger body is drained (so the connection stays
 * usable and the client gets to read the 413) unless it is absurdly large, in which case the
 * connection is closed after the answer.
 * @returns the body, or `undefined` when the request has none.
 * @throws ArmHttpError 413; ClientGoneError when the client disconnects mid-body.
 */
export function readRequestBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> | undefined {
  if (!hasBody(request)) {
    // Nothing to wait for: keep the fast path (every poll) free of an extra event-loop turn.
    request.resume();
    return undefined;
  }
  const declared = Number(request.headers["content-length"]);
  const drainLimit = Math.max(limit * 16, 16 * 1024 * 1024);
  const tooLarge = (close: boolean) =>
    new ArmHttpError(413, "RequestEntityTooLarge", `The request body is larger than the limit of ${limit} bytes.`, close ? { connection: "close" } : {});
  if (Number.isFinite(declared) && declared > drainLimit) {
    request.resume();
    return Promise.reject(tooLarge(true));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (action: () => void) => {
      if (settled) return;
      settled = true;
      action();
    };
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > drainLimit) {
        request.pause();
        settle(() => reject(tooLarge(true)));
      }
    });
    request.on("end", () => settle(() => (size > limit ? reject(tooLarge(false)) : resolve(Buffer.concat(chunks, size)))));
    request.on("error", () => settle(() => reject(new ClientGoneError("request stream failed"))));
    request.on("close", () => settle(() => reject(new ClientGoneError("client closed before the body was read"))));
  });
}

/** Parses a JSON body; an empty body is `undefined`. @throws ArmHttpError 400 `InvalidRequestContent`. */
export function parseJsonBody(raw: Buffer | undefined): unknown {
  if (raw === undefined || raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ArmHttpError(
      400,
      "InvalidRequestContent",
      `The request content was invalid and could not be deserialized: ${(error as Error).message}`,
    );
  }
}

const jsonType = "application/json; charset=utf-8";

/** What became of an answer on the wire. */
export type WriteOutcome =
  /** Written in full (or the client was already gone: there was nobody to write to). */
  | "written"
  /** Not written: the connection was destroyed first (a `reset` fault). */
  | "reset"
  /** The status and headers were written, then the body was cut short (a `*-mid-body` fault). */
  | "cut";

/**
 * Writes a response given as data, or the fault it asks for (see `WireFault`). Safe to call when
 * the client is gone (it does nothing).
 */
export function writeResponse(response: ServerResponse, answer: ArmResponse, extraHeaders: Readonly<Record<string, string>>): WriteOutcome {
  if (response.headersSent || response.destroyed) return "written";
  if (answer.fault === "reset") {
    response.destroy();
    return "reset";
  }
  const headers: Record<string, string | number | string[]> = { ...extraHeaders, ...answer.headers };
  for (const [name, values] of Object.entries(answer.repeatedHeaders ?? {})) headers[name] = [...values];
  let payload: string | Buffer | undefined;
  if (answer.raw !== undefined) payload = answer.raw;
  else if (answer.body !== undefined && answer.status !== 204 && answer.status !== 304) {
    payload = JSON.stringify(answer.body);
    headers["content-type"] ??= jsonType;
  }
  if (payload !== undefined) headers["content-length"] = Buffer.byteLength(payload);
  else if (answer.status !== 204 && answer.status !== 304) headers["content-length"] = 0;
  response.writeHead(answer.status, headers);
  if (answer.fault === "reset-mid-body" || answer.fault === "stall-mid-body") {
    const bytes = payload === undefined ? Buffer.alloc(0) : Buffer.from(payload);
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    // flushHeaders() sends the head even when there is no body byte to write with it.
    response.flushHeaders();
    const cut = () => {
      if (answer.fault === "reset-mid-body") response.destroy();
    };
    if (half.length > 0) response.write(half, cut);
    else cut();
    return "cut";
  }
  response.end(payload);
  return "written";
}
