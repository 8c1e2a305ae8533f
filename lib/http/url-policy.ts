import { LroUrlRejectedError } from "../errors/lro-url-rejected-error.js";
import { isAzureCloudUrl } from "./azure-hosts.js";

/** What a URL handed out by the service is checked against. */
export interface UrlPolicy {
  /** The URL of the request that started the operation: relative URLs resolve against it, and its host is trusted. */
  readonly origin: string;
  /** Further hosts the operation may be followed to (see {@link parseHostEntry}). */
  readonly allowedHosts: readonly string[];
}

/** Longer URLs are refused outright: no service needs them and they bloat every token and log. */
export const maxUrlLength = 16 * 1024;

const hostEntryPattern = /^(\*\.[a-z0-9-]+(?:\.[a-z0-9-]+)+|[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

/**
 * An `allowedHosts` entry as host and port: `host`, `host:port`, `*.suffix` or `*.suffix:port`
 * (ASCII, so an internationalised name is written in punycode, as URLs carry it), an IPv4
 * address, or an IPv6 one in brackets. Without a port it means the scheme's default port, as in
 * a Content-Security-Policy source. `undefined` when the entry is none of these.
 */
export function parseHostEntry(entry: string): { readonly host: string; readonly port: string | undefined } | undefined {
  const match = hostEntryPattern.exec(entry.trim().toLowerCase());
  return match === null ? undefined : { host: match[1]!, port: match[2] };
}

function hostIsAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  const hostname = url.hostname;
  const defaultPort = url.protocol === "https:" ? "443" : "80";
  const port = url.port === "" ? defaultPort : url.port;
  return allowedHosts.some((entry) => {
    const allowed = parseHostEntry(entry);
    if (allowed === undefined || (allowed.port ?? defaultPort) !== port) return false;
    return allowed.host.startsWith("*.") ? hostname.endsWith(allowed.host.slice(1)) : allowed.host === hostname;
  });
}

/**
 * Checks the request URL of an operation resumed from a token (`resumeLro`, a hub's `watch`).
 * The token is untrusted input, and every URL the operation is followed to is checked against
 * this one: its host must be one the app vouched for, a built-in Azure cloud host (over https,
 * see {@link isAzureCloudUrl}) or one listed in `allowedHosts`, or nothing is sent. A forged token
 * could otherwise direct the pipeline's credentials anywhere.
 */
export function checkResumedOrigin(requestUrl: string, allowedHosts: readonly string[]): void {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    throw new LroUrlRejectedError(requestUrl, "the token's request URL is not a valid URL");
  }
  if (url.username !== "" || url.password !== "") throw new LroUrlRejectedError(requestUrl, "the token's request URL carries user info");
  if (hostIsAllowed(url, allowedHosts) || isAzureCloudUrl(url)) return;
  throw new LroUrlRejectedError(
    requestUrl,
    `the token's host ${url.host} is neither a built-in Azure cloud host (https only) nor listed in allowedHosts`,
  );
}

/**
 * Checks an operation restored from a token before anything is sent: its request URL (see
 * {@link checkResumedOrigin}), and its polling URL against that origin as a live response's
 * would be. The last `Location` is checked when, and if, it is followed.
 */
export function checkResumedOperation(operation: { readonly requestUrl: string; readonly pollingUrl?: string }, allowedHosts: readonly string[]): void {
  checkResumedOrigin(operation.requestUrl, allowedHosts);
  if (operation.pollingUrl !== undefined) followUrl(operation.pollingUrl, { origin: operation.requestUrl, allowedHosts });
}

/**
 * Resolves a URL from a response header or body against the operation's origin and checks it:
 * http(s) only, no https → http downgrade, no user info, and the origin's host (same host and
 * port) or one of `allowedHosts`. Throws {@link LroUrlRejectedError} otherwise.
 */
export function followUrl(raw: string, policy: UrlPolicy): string {
  if (raw.length > maxUrlLength) throw new LroUrlRejectedError(raw, `longer than ${maxUrlLength} characters`);
  const origin = new URL(policy.origin);
  let url: URL;
  try {
    url = new URL(raw.trim(), origin);
  } catch {
    throw new LroUrlRejectedError(raw, "not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new LroUrlRejectedError(raw, `the ${url.protocol} scheme is not http(s)`);
  }
  if (origin.protocol === "https:" && url.protocol === "http:") {
    throw new LroUrlRejectedError(raw, "it downgrades the operation from https to http");
  }
  if (url.host.toLowerCase() !== origin.host.toLowerCase() && !hostIsAllowed(url, policy.allowedHosts)) {
    throw new LroUrlRejectedError(
      raw,
      `host ${url.host} is neither the initial request's (${origin.host}) nor listed in allowedHosts`,
    );
  }
  // On an allowed host too: no service hands out credentials in a URL, and none are sent on.
  if (url.username !== "" || url.password !== "") throw new LroUrlRejectedError(raw, "it carries user info");
  return url.href;
}

/**
 * A URL {@link followUrl} refused, as a continuation token keeps it: resolved against the origin
 * when it can be, and cut just past the length limit, so that resuming refuses it again for the
 * same reason, or follows it once its host is in `allowedHosts`.
 */
export function refusedUrlForToken(raw: string, origin: string): string {
  let url = raw.trim();
  try {
    url = new URL(url, origin).href;
  } catch {
    // kept as sent: the policy refuses it again
  }
  return url.length > maxUrlLength ? url.slice(0, maxUrlLength + 1) : url;
}

/** A URL without its query and fragment, which may carry signatures: what logs may show. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search === "" ? "" : "?…"}`;
  } catch {
    return "<invalid url>";
  }
}
