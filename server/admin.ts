/**
 * `/_admin`: the server's record over HTTP, for dashboards and tests in other processes.
 *
 * - `GET /_admin/stats`: {@link ServerStats}.
 * - `GET /_admin/operations[?status=running|terminal|<word>&kind=<kind>&startedAfter=<ms>]`:
 *   `{ count, value: OperationSnapshot[] }`, oldest first.
 * - `GET /_admin/operations/{id}`: `{ ...OperationSnapshot, requests: RequestRecord[] }`.
 * - `GET /_admin/requests[?operationId=&after=<ms>&kind=&limit=]`: `{ count, value: RequestRecord[] }`.
 * - `POST /_admin/reset`: forgets operations, widgets and the record; 204.
 *
 * Admin requests are counted in the totals but kept out of the request log.
 * @module
 */
import { ArmHttpError } from "./arm-errors.js";
import type { ArmResponse } from "./hooks.js";
import type { OperationKind } from "./options.js";
import { requestKinds, type OperationQuery, type RequestKind, type RequestQuery } from "./recorder.js";
import type { Route } from "./router.js";

/** What the admin routes read and reset. */
export interface AdminTarget {
  stats(): unknown;
  operations(query: OperationQuery): readonly unknown[];
  operation(id: string): object | undefined;
  requests(query: RequestQuery): readonly unknown[];
  reset(): void;
}

const operationKinds: readonly OperationKind[] = ["create", "replace", "update", "delete", "restart", "migrate"];

function number(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new ArmHttpError(400, "InvalidParameter", `'${name}' must be a number, got '${value}'.`);
  return parsed;
}

function oneOf<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ArmHttpError(400, "InvalidParameter", `'${name}' must be one of ${allowed.join(", ")}, got '${value}'.`);
  }
  return value as T;
}

/** Answers an admin route. @throws ArmHttpError 400 on a bad filter, 404 on an unknown operation. */
export function handleAdmin(target: AdminTarget, route: Extract<Route, { name: "admin" }>, query: URLSearchParams): ArmResponse {
  switch (route.target) {
    case "stats":
      return { status: 200, body: target.stats() };
    case "operations": {
      const status = query.get("status");
      const kind = oneOf(query, "kind", operationKinds);
      const startedAfter = number(query, "startedAfter");
      const value = target.operations({
        ...(status === null ? {} : { status: status as NonNullable<OperationQuery["status"]> }),
        ...(kind === undefined ? {} : { kind }),
        ...(startedAfter === undefined ? {} : { startedAfter }),
      });
      return { status: 200, body: { count: value.length, value } };
    }
    case "operation": {
      const id = route.operationId ?? "";
      const snapshot = target.operation(id);
      if (snapshot === undefined) throw new ArmHttpError(404, "OperationNotFound", `The operation '${id}' was not found.`);
      return { status: 200, body: { ...snapshot, requests: target.requests({ operationId: id }) } };
    }
    case "requests": {
      const operationId = query.get("operationId");
      const after = number(query, "after");
      const kind = oneOf<RequestKind>(query, "kind", requestKinds);
      const limit = number(query, "limit");
      const value = target.requests({
        ...(operationId === null ? {} : { operationId }),
        ...(after === undefined ? {} : { after }),
        ...(kind === undefined ? {} : { kind }),
        ...(limit === undefined ? {} : { limit: Math.max(0, Math.floor(limit)) }),
      });
      return { status: 200, body: { count: value.length, value } };
    }
    case "reset":
      target.reset();
      return { status: 204 };
  }
}
