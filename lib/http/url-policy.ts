import { LroUrlRejectedError } from "../errors/lro-url-rejected-error.js";

/** What a URL handed out by the service is checked against. */
export interface UrlPolicy {
  /** The URL of the request that started the operation: relative URLs resolve against it, and its host is trusted. */
  readonly origin: string;
  /** Further hosts the operation may be followed to: `host`, `host:port`, or `*.suffix`. */
  readonly allowedHosts: readonly string[];
}

/** Longer URLs are refused outright: no service needs them and they bloat every token and log. */
export const maxUrlLength = 16 * 1024;

function hostIsAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  return allowedHosts.some((entry) => {
    const allowed = entry.trim().toLowerCase();
    if (allowed.startsWith("*.")) return hostname.endsWith(allowed.slice(1));
    return allowed === host || allowed === hostname;
  });
}

/**
 * Checks the request URL of an operation resumed from a token. The token is untrusted input:
 * when the app lists `allowedHosts`, the host the token claims the operation started on must be
 * one of them, or nothing is sent (a forged token could otherwise direct the pipeline's
 * credentials anywhere). Without a list, the token is trusted as the app's own.
 */
export function checkResumedOrigin(requestUrl: string, allowedHosts: readonly string[]): void {
  if (allowedHosts.length === 0) return;
  const url = new URL(requestUrl);
  if (!hostIsAllowed(url, allowedHosts)) {
    throw new LroUrlRejectedError(requestUrl, `the token's host ${url.host} is not listed in allowedHosts`);
  }
}

/**
 * Resolves a URL from a response header or body against the operation's origin and checks it:
 * http(s) only, no https → http downgrade, and the origin's host (same host and port) or one of
 * `allowedHosts`. Throws {@link LroUrlRejectedError} otherwise.
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
  return url.href;
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
