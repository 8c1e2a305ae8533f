/**
 * The request pipeline: classify, check, read the body, consult the hooks, handle, write,
 * record. Every request ends here with exactly one answer and one record, and nothing a client
 * sends (or a handler or hook throws) escapes it.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { handleAdmin, type AdminTarget } from "./admin.js";
import { ArmHttpError, errorBody, methodNotAllowed, notFound } from "./arm-errors.js";
import { checkApiVersion, handleArm, type ArmContext, type HandlerResult } from "./arm-handlers.js";
import type { ArmResponse, ArmServerHooks, HookContext } from "./hooks.js";
import { ClientGoneError, parseJsonBody, readRequestBody, writeResponse } from "./http-io.js";
import type { Operation } from "./operations.js";
import type { Recorder, RequestKind } from "./recorder.js";
import { allowedMethods, isArmRoute, matchRoute, requestKind, type Route } from "./router.js";
import type { StaticFiles } from "./static-files.js";

/** Everything a server holds. `baseUrl` is known once it listens; `hooks` can change at run time. */
export interface ServerState extends ArmContext {
  readonly recorder: Recorder;
  readonly staticFiles: StaticFiles | undefined;
  readonly admin: AdminTarget;
  readonly onError: ((error: unknown, request: { readonly method: string; readonly path: string }) => void) | undefined;
  baseUrl: string;
  hooks: ArmServerHooks;
}

/** The LRO headers, which a browser page on another origin may only read when exposed. */
const exposedHeaders = "location, azure-asyncoperation, retry-after, retry-after-ms, x-ms-request-id, x-demo-operation-id";

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === "function";
}

function errorAnswer(error: unknown): ArmResponse {
  if (error instanceof ArmHttpError) return { status: error.status, headers: error.headers, body: error.body };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: errorBody("InternalServerError", `The server failed to process the request: ${message}`) };
}

/**
 * The operation a poll or resource GET concerns, known before the handler runs (so a hooked
 * answer still counts against it). An initial request concerns only the operation it starts.
 */
function concernedOperation(state: ServerState, route: Route, kind: RequestKind, now: number): Operation | undefined {
  if (route.name === "operationStatus" || route.name === "operationResult") return state.operations.get(route.operationId);
  if (route.name === "widget" && kind === "resourceGet") {
    const address = { subscription: route.subscription, resourceGroup: route.resourceGroup, name: route.widget };
    return state.widgets.get(address, now)?.provisioning;
  }
  return undefined;
}

function preflight(route: Route, request: IncomingMessage): ArmResponse {
  const asked = request.headers["access-control-request-headers"];
  return {
    status: 204,
    headers: {
      "access-control-allow-methods": allowedMethods(route).join(", "),
      "access-control-allow-headers": typeof asked === "string" ? asked : "*",
      "access-control-max-age": "600",
    },
  };
}

/** The Node request listener. */
export function createListener(state: ServerState): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      // Only a bug in the pipeline itself lands here: drop the connection rather than the process.
      state.onError?.(error, { method: request.method ?? "", path: request.url ?? "" });
      response.destroy();
    });
  };
}

async function handle(state: ServerState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { options, recorder } = state;
  const seq = recorder.nextSeq();
  const at = options.now();
  const method = (request.method ?? "GET").toUpperCase();
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  const path = recorder.internPath(queryStart === -1 ? target : target.slice(0, queryStart));
  const query = new URLSearchParams(queryStart === -1 ? "" : target.slice(queryStart + 1));

  let kind: RequestKind = "other";
  let operation: Operation | undefined;
  let servedTerminal = false;
  let intercepted = false;
  let answer: ArmResponse;
  try {
    const route = matchRoute(path, state.staticFiles !== undefined);
    kind = requestKind(route, method);
    if (route.name === "unknown") throw notFound(path);
    if (method === "OPTIONS" && options.cors) {
      kind = "preflight";
      answer = preflight(route, request);
    } else {
      const allowed = allowedMethods(route);
      if (!allowed.includes(method)) {
        kind = "other";
        throw methodNotAllowed(method, allowed);
      }
      if (route.name === "admin") {
        await readRequestBody(request, options.maxBodyBytes);
        answer = handleAdmin(state.admin, route, query);
      } else if (route.name === "static") {
        answer = await (state.staticFiles as StaticFiles).serve(path, request.headers.accept);
      } else if (isArmRoute(route)) {
        const apiVersion = checkApiVersion(query, options);
        operation = concernedOperation(state, route, kind, at);
        const body = parseJsonBody(await readRequestBody(request, options.maxBodyBytes));
        const { hooks } = state;
        const context: HookContext = {
          seq,
          at,
          method,
          path,
          query,
          headers: request.headers,
          route: route.name,
          kind,
          operationId: "operationId" in route ? route.operationId : operation?.id,
          body,
        };
        let early = hooks.beforeHandle?.(context);
        if (isPromise(early)) early = await early;
        let result: HandlerResult | undefined;
        if (early !== undefined) {
          answer = early;
          intercepted = true;
        } else {
          result = handleArm(state, route, { method, query, headers: request.headers, body, now: at }, apiVersion);
          answer = result.response;
          operation = result.operation ?? operation;
          servedTerminal = result.servedTerminal === true;
        }
        if (hooks.beforeRespond !== undefined) {
          let replaced = hooks.beforeRespond({ ...context, operationId: operation?.id ?? context.operationId }, answer);
          if (isPromise(replaced)) replaced = await replaced;
          if (replaced !== undefined && replaced !== answer) {
            answer = replaced;
            intercepted = true;
            servedTerminal = false;
          }
        }
      } else {
        throw notFound(path);
      }
    }
  } catch (error) {
    if (error instanceof ClientGoneError) {
      recorder.record({ seq, at, method, path, kind, status: 0, ...(operation === undefined ? {} : { operationId: operation.id }) }, operation, false);
      return;
    }
    if (!(error instanceof ArmHttpError)) state.onError?.(error, { method, path });
    answer = errorAnswer(error);
    servedTerminal = false;
  }

  const gone = response.destroyed;
  const outcome = writeResponse(response, answer, commonHeaders(state, request));
  // A reset wipes the record, its own request included: counts start from zero after it.
  if (kind === "admin" && method === "POST" && answer.status === 204) return;
  const fault = gone || answer.fault === undefined ? undefined : answer.fault;
  recorder.record(
    {
      seq,
      at,
      method,
      path,
      kind,
      status: gone || outcome === "reset" ? 0 : answer.status,
      ...(operation === undefined ? {} : { operationId: operation.id }),
      ...(intercepted ? { intercepted: true as const } : {}),
      ...(fault === undefined ? {} : { fault }),
    },
    operation,
    servedTerminal && !gone && outcome === "written",
  );
}

function commonHeaders(state: ServerState, request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = { "x-ms-request-id": randomUUID() };
  const clientRequestId = request.headers["x-ms-client-request-id"];
  if (typeof clientRequestId === "string") headers["x-ms-client-request-id"] = clientRequestId;
  if (state.options.cors) {
    headers["access-control-allow-origin"] = "*";
    headers["access-control-expose-headers"] = exposedHeaders;
  }
  return headers;
}

const clientErrorStatus: Readonly<Record<string, number>> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Answers what the HTTP parser could not parse (garbage, oversized headers), and records it.
 * Without this handler Node does much the same, but silently.
 */
export function createClientErrorHandler(state: ServerState): (error: Error & { code?: string }, socket: Socket) => void {
  return (error, socket) => {
    // The client hung up (mid-headers or mid-body): nobody to answer, and a request it had
    // started is already recorded as abandoned by the pipeline.
    if (error.code === "ECONNRESET" || error.code === "HPE_INVALID_EOF_STATE" || !socket.writable || socket.destroyed) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus[error.code ?? ""] ?? 400;
    state.recorder.record(
      { seq: state.recorder.nextSeq(), at: state.options.now(), method: "-", path: "-", kind: "other", status },
      undefined,
      false,
    );
    const body = JSON.stringify(errorBody("BadRequest", `The request could not be parsed (${error.code ?? error.message}).`));
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request"}\r\n` +
        `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };
}
