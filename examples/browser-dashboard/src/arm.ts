/**
 * The demo widget API of the embedded ARM server, as requests `beginLro` can send: one start
 * request per operation kind, with the server's per-request knobs (duration, Retry-After,
 * outcome, header model) in the query string. Pure: no I/O, no DOM.
 * @module
 */
import type { LroRequest } from "../../../lib/index.js";

/** The operations the dashboard can start. `create` is a PUT; the others act on an existing widget. */
export type OperationKind = "create" | "update" | "delete" | "restart" | "migrate";

/** Every kind, in button order. */
export const operationKinds: readonly OperationKind[] = ["create", "update", "delete", "restart", "migrate"];

/** How the server's operation ends (`outcome` knob); `cancel` is a cancellation by the service itself. */
export type Outcome = "succeed" | "fail" | "cancel";

/** Which LRO headers the initial response carries (`lroHeaders` knob); `default` is ARM's choice per method. */
export type HeaderModel = "default" | "azure-async-operation" | "location" | "both";

/** How the server should run one operation. */
export interface Knobs {
  /** How long the operation runs on the server, in ms. */
  readonly durationMs: number;
  /** The `Retry-After` the server answers with, in seconds. */
  readonly retryAfterSeconds: number;
  readonly outcome: Outcome;
  readonly headerModel: HeaderModel;
}

const subscription = "00000000-0000-0000-0000-000000000000";
const resourceGroup = "dashboard-rg";
const apiVersion = "2024-01-01";

/** The label a row shows for a kind: the HTTP method and what it does. */
export const kindLabels: Readonly<Record<OperationKind, string>> = {
  create: "PUT create",
  update: "PATCH update",
  delete: "DELETE",
  restart: "POST restart",
  migrate: "POST migrate",
};

/**
 * The absolute URL of a widget (or one of its actions). The HTTP client needs absolute URLs and
 * the library checks every polling URL against the request's host, so relative paths are resolved
 * against `origin` (the page's `location.origin`).
 */
export function widgetUrl(origin: string, name: string, query: Readonly<Record<string, string>> = {}, action?: "restart" | "migrate"): string {
  const path =
    `/subscriptions/${subscription}/resourceGroups/${resourceGroup}` +
    `/providers/Microsoft.Demo/widgets/${encodeURIComponent(name)}${action === undefined ? "" : `/${action}`}`;
  const search = new URLSearchParams({ "api-version": apiVersion, ...query });
  return new URL(`${path}?${search.toString()}`, origin).href;
}

function knobQuery(knobs: Knobs): Record<string, string> {
  return {
    duration: String(knobs.durationMs),
    retryAfter: String(knobs.retryAfterSeconds),
    outcome: knobs.outcome,
    ...(knobs.headerModel === "default" ? {} : { lroHeaders: knobs.headerModel }),
  };
}

/**
 * The request that starts an operation of `kind` on widget `name`. `allowInsecureConnection`
 * is needed for the demo's `http://127.0.0.1`: the browser build of core-rest-pipeline refuses
 * plain http without it, exactly as the Node one does.
 */
export function startRequest(origin: string, kind: OperationKind, name: string, knobs: Knobs): LroRequest {
  const query = knobQuery(knobs);
  const common = { allowInsecureConnection: true } as const;
  switch (kind) {
    case "create":
      return { ...common, method: "PUT", url: widgetUrl(origin, name, query), json: { location: "westeurope", properties: { size: 3 } } };
    case "update":
      return { ...common, method: "PATCH", url: widgetUrl(origin, name, query), json: { properties: { size: 5 } } };
    case "delete":
      return { ...common, method: "DELETE", url: widgetUrl(origin, name, query) };
    case "restart":
      return { ...common, method: "POST", url: widgetUrl(origin, name, query, "restart"), json: {} };
    case "migrate":
      return { ...common, method: "POST", url: widgetUrl(origin, name, query, "migrate"), json: { targetLocation: "northeurope", items: 7 } };
  }
}

/** Whether a kind needs the widget to exist first (everything but the PUT that creates it). */
export function needsWidget(kind: OperationKind): boolean {
  return kind !== "create";
}

/**
 * The plain PUT that creates the widget an operation acts on, finishing at once (`duration=0`):
 * setup, not an operation the dashboard follows.
 */
export function seedRequest(origin: string, name: string): { readonly url: string; readonly init: RequestInit } {
  return {
    url: widgetUrl(origin, name, { duration: "0" }),
    init: {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ location: "westeurope", properties: { size: 1 } }),
    },
  };
}

/** The server's operation id, read from a status or result URL (`…/operationStatuses/{id}?…`). */
export function operationIdOf(pollingUrl: string | undefined): string | undefined {
  if (pollingUrl === undefined) return undefined;
  const match = /\/operation(?:Statuses|Results)\/([^/?#]+)/i.exec(pollingUrl);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}
