import { InjectionToken } from "@angular/core";
import type { LroRequest } from "rx-lro";

/** Where the widgets live: the embedded ARM server's `Microsoft.Demo/widgets` provider. */
export interface ArmApi {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly baseUrl: string;
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly apiVersion: string;
}

/**
 * The API the portal talks to: the page's own origin (the embedded server serves the build), or,
 * for the cross-origin setup (`--cors`), the loopback origin named by `?api=` in the page's URL.
 */
export const ARM_API = new InjectionToken<ArmApi>("ARM_API", {
  providedIn: "root",
  factory: () => armApiFor(globalThis.location?.href ?? "http://127.0.0.1/"),
});

/** The API for a page URL: `?api=` when it names a loopback origin, else the page's origin. */
export function armApiFor(pageUrl: string): ArmApi {
  const page = new URL(pageUrl);
  let baseUrl = page.origin;
  const api = page.searchParams.get("api");
  if (api !== null) {
    const url = new URL(api);
    // Only loopback: a link must not point the portal (and its tokens) at another host.
    if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new TypeError(`?api= must be a loopback origin, got ${api}`);
    baseUrl = url.origin;
  }
  return { baseUrl, subscription: "00000000-0000-0000-0000-0000000000aa", resourceGroup: "portal", apiVersion: "2024-01-01" };
}

/** The `host:port` the portal vouches for (rx-lro's `allowedHosts`). */
export function apiHost(api: ArmApi): string {
  return new URL(api.baseUrl).host;
}

/** A widget as the provider returns it. */
export interface Widget {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly location: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly properties: { readonly provisioningState: string; readonly color?: string; readonly [key: string]: unknown };
}

/** What the portal can do to a widget; each is a long-running operation. */
export type WidgetAction = "create" | "update" | "delete" | "restart";

/** How the demo server plays an operation out (its per-request knobs). */
export interface DemoKnobs {
  /** How long the operation runs, in ms. */
  readonly duration?: number;
  readonly outcome?: "succeed" | "fail" | "cancel";
  /** The ARM error code a failed or canceled operation reports. */
  readonly errorCode?: string;
  /** Seconds the server asks between polls. */
  readonly retryAfter?: number;
}

/** The widgets collection. */
export function widgetsUrl(api: ArmApi): string {
  return `${api.baseUrl}/subscriptions/${api.subscription}/resourceGroups/${api.resourceGroup}/providers/Microsoft.Demo/widgets?api-version=${api.apiVersion}`;
}

/** One widget, with the demo knobs as query parameters. */
export function widgetUrl(api: ArmApi, name: string, knobs: DemoKnobs = {}, suffix = ""): string {
  const query = new URLSearchParams({ "api-version": api.apiVersion });
  for (const [key, value] of Object.entries(knobs)) if (value !== undefined) query.set(key, String(value));
  return `${api.baseUrl}/subscriptions/${api.subscription}/resourceGroups/${api.resourceGroup}/providers/Microsoft.Demo/widgets/${encodeURIComponent(name)}${suffix}?${query}`;
}

/** The request that starts an action on a widget. */
export function widgetRequest(api: ArmApi, action: WidgetAction, name: string, knobs: DemoKnobs = {}, color = "teal"): LroRequest {
  // The embedded server speaks plain http on loopback; rx-lro (like core-rest-pipeline) refuses
  // http unless the request allows it, and then polls over http only on the same terms.
  const allowInsecureConnection = api.baseUrl.startsWith("http:");
  switch (action) {
    case "create":
      return { method: "PUT", url: widgetUrl(api, name, knobs), json: { location: "westeurope", properties: { color } }, allowInsecureConnection };
    case "update":
      return { method: "PATCH", url: widgetUrl(api, name, knobs), json: { properties: { color } }, allowInsecureConnection };
    case "delete":
      return { method: "DELETE", url: widgetUrl(api, name, knobs), allowInsecureConnection };
    case "restart":
      return { method: "POST", url: widgetUrl(api, name, knobs, "/restart"), allowInsecureConnection };
  }
}
