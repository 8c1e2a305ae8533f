/**
 * Routing: from a request path to a route, and which methods each route takes. Pure: no I/O,
 * no state. ARM matches the fixed segments of its paths case-insensitively, and so does this.
 * @module
 */
import { ArmHttpError } from "./arm-errors.js";
import type { RequestKind } from "./recorder.js";

/** The widget actions (`POST …/widgets/{name}/{action}`). */
export type WidgetAction = "restart" | "migrate";

/** A matched route, with its path parameters (percent-decoded). */
export type Route =
  | { readonly name: "widgetList"; readonly subscription: string; readonly resourceGroup: string }
  | { readonly name: "widget"; readonly subscription: string; readonly resourceGroup: string; readonly widget: string }
  | {
      readonly name: "widgetAction";
      readonly subscription: string;
      readonly resourceGroup: string;
      readonly widget: string;
      readonly action: WidgetAction;
    }
  | { readonly name: "operationStatus"; readonly subscription: string; readonly region: string; readonly operationId: string }
  | { readonly name: "operationResult"; readonly subscription: string; readonly region: string; readonly operationId: string }
  | { readonly name: "admin"; readonly target: "stats" | "operations" | "operation" | "requests" | "reset"; readonly operationId?: string }
  | { readonly name: "static"; readonly path: string }
  | { readonly name: "unknown" };

/** The route names. */
export type RouteName = Route["name"];

/** Whether a route is part of the ARM API (needs an api-version, goes through the hooks). */
export function isArmRoute(route: Route): route is Extract<Route, { subscription: string }> {
  return "subscription" in route;
}

/** The methods each route answers (HEAD is answered wherever GET is). */
export function allowedMethods(route: Route): readonly string[] {
  switch (route.name) {
    case "widgetList":
    case "operationStatus":
    case "operationResult":
    case "static":
      return ["GET", "HEAD"];
    case "widget":
      return ["GET", "HEAD", "PUT", "PATCH", "DELETE"];
    case "widgetAction":
      return ["POST"];
    case "admin":
      return route.target === "reset" ? ["POST"] : ["GET", "HEAD"];
    case "unknown":
      return [];
  }
}

/** How a request on a route is counted (see {@link RequestKind}). */
export function requestKind(route: Route, method: string): RequestKind {
  switch (route.name) {
    case "widget":
      return method === "GET" || method === "HEAD" ? "resourceGet" : "initial";
    case "widgetAction":
      return "initial";
    case "widgetList":
      return "resourceList";
    case "operationStatus":
      return "statusPoll";
    case "operationResult":
      return "locationPoll";
    case "admin":
      return "admin";
    case "static":
      return "static";
    case "unknown":
      return "other";
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ArmHttpError(400, "InvalidRequestUri", `The path segment '${segment}' is not valid percent-encoding.`);
  }
}

const is = (segment: string | undefined, literal: string): boolean => segment !== undefined && segment.toLowerCase() === literal;

/**
 * Matches a path (without its query). Paths the ARM and admin routes do not claim go to the
 * static files when `serveStatic` is set, else nowhere.
 * @throws ArmHttpError 400 on malformed percent-encoding in an ARM path.
 */
export function matchRoute(path: string, serveStatic: boolean): Route {
  const segments = path.split("/");
  // A path starts with "/", so segments[0] is "". Empty inner segments ("//") never match.
  const [, first, ...rest] = segments;
  if (is(first, "subscriptions")) return matchSubscriptionRoute(rest.map(decode)) ?? { name: "unknown" };
  if (first === "_admin") return matchAdminRoute(rest) ?? { name: "unknown" };
  return serveStatic ? { name: "static", path } : { name: "unknown" };
}

function nonEmpty(...values: (string | undefined)[]): boolean {
  return values.every((value) => value !== undefined && value !== "");
}

function matchSubscriptionRoute(s: string[]): Route | undefined {
  const [subscription, a, b, c, d, e, f, g] = s;
  if (subscription === undefined || subscription === "") return undefined;
  // {sub}/resourceGroups/{rg}/providers/Microsoft.Demo/widgets[/{name}[/{action}]]
  if (is(a, "resourcegroups") && is(c, "providers") && is(d, "microsoft.demo") && is(e, "widgets") && nonEmpty(b)) {
    const resourceGroup = b as string;
    if (s.length === 6) return { name: "widgetList", subscription, resourceGroup };
    if (!nonEmpty(f)) return undefined;
    const widget = f as string;
    if (s.length === 7) return { name: "widget", subscription, resourceGroup, widget };
    if (s.length === 8 && (is(g, "restart") || is(g, "migrate"))) {
      return { name: "widgetAction", subscription, resourceGroup, widget, action: (g as string).toLowerCase() as WidgetAction };
    }
    return undefined;
  }
  // {sub}/providers/Microsoft.Demo/locations/{region}/operationStatuses|operationResults/{id}
  if (s.length === 7 && is(a, "providers") && is(b, "microsoft.demo") && is(c, "locations") && nonEmpty(d, f)) {
    const region = d as string;
    const operationId = f as string;
    if (is(e, "operationstatuses")) return { name: "operationStatus", subscription, region, operationId };
    if (is(e, "operationresults")) return { name: "operationResult", subscription, region, operationId };
  }
  return undefined;
}

function matchAdminRoute(s: string[]): Route | undefined {
  const [target, id] = s;
  if (s.length === 1) {
    if (target === "stats" || target === "operations" || target === "requests" || target === "reset") return { name: "admin", target };
    return undefined;
  }
  if (s.length === 2 && target === "operations" && nonEmpty(id)) return { name: "admin", target: "operation", operationId: decode(id as string) };
  return undefined;
}
