/**
 * Pipeline policies the AutoRest test server needs.
 *
 * - The server keeps each LRO scenario's progress in ONE cookie named `scenario`
 *   (`scenario=<ScenarioName>; Max-Age=900; Path=/; Expires=...` to advance,
 *   `scenario=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT` to reset), so a client needs a jar.
 * - The `LROsCustomHeader_*` routes answer 400 unless every request (initial, polls, final GET)
 *   carries `x-ms-client-request-id: 9C4D50EE-2D56-4CD3-8152-34347DC9F2B0` (compared case-insensitively).
 *
 * Add both policies with `{ afterPhase: "Retry" }` so that every retry attempt passes through them:
 * the `LRORetrys_*` routes answer 500 + Set-Cookie first and expect the *retried* request to carry
 * the cookie. A jar placed before the retry policy would resend the stale Cookie header forever.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from "@azure/core-rest-pipeline";

/** The exact value the test server's `customheader` routes require (legacy/routes/lros.js). */
export const AUTOREST_CLIENT_REQUEST_ID = "9C4D50EE-2D56-4CD3-8152-34347DC9F2B0";

/** Name of the single cookie the LRO routes use to track scenario progress. */
export const AUTOREST_SCENARIO_COOKIE = "scenario";

interface StoredCookie {
  value: string;
  /** Epoch ms; undefined = session cookie. */
  expiresAt: number | undefined;
}

/**
 * Splits a Set-Cookie header value that may hold several cookies joined with ", ".
 * (The Node HTTP client of @azure/core-rest-pipeline keeps only the FIRST Set-Cookie line of a
 * response; the test server never sends more than one per response, so this is just defensive.)
 * A comma inside `Expires=Mon, 23 Nov ...` is not followed by `name=`, so it is not a separator.
 */
function splitSetCookie(header: string): string[] {
  return header
    .split(/,(?=\s*[^;,=\s]+=)/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

function applySetCookie(jar: Map<string, StoredCookie>, setCookie: string, now: number): void {
  const [pair = "", ...attributes] = setCookie.split(";");
  const eq = pair.indexOf("=");
  if (eq <= 0) {
    return;
  }
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();

  let maxAge: number | undefined;
  let expires: number | undefined;
  for (const attribute of attributes) {
    const attrEq = attribute.indexOf("=");
    const key = (attrEq === -1 ? attribute : attribute.slice(0, attrEq)).trim().toLowerCase();
    const attrValue = attrEq === -1 ? "" : attribute.slice(attrEq + 1).trim();
    if (key === "max-age" && /^-?\d+$/.test(attrValue)) {
      maxAge = Number(attrValue);
    } else if (key === "expires") {
      const parsed = Date.parse(attrValue);
      if (Number.isFinite(parsed)) {
        expires = parsed;
      }
    }
  }

  // Max-Age wins over Expires (RFC 6265 §5.3).
  const expiresAt = maxAge !== undefined ? now + maxAge * 1000 : expires;
  if (expiresAt !== undefined && expiresAt <= now) {
    jar.delete(name);
    return;
  }
  jar.set(name, { value, expiresAt });
}

/**
 * A minimal cookie jar for one host (the local test server): remembers `set-cookie` from every
 * response and sends the live cookies as `cookie` on every later request. Domain/path attributes
 * are ignored (everything is `Path=/` on a single host). Each call returns a policy with a FRESH,
 * private jar; use one per LRO so a scenario left half-way cannot leak into the next one.
 *
 * The policy owns the `cookie` request header: it is overwritten (or removed when the jar is empty)
 * on every attempt, so a retried request never carries a stale cookie.
 */
export function cookieJarPolicy(): PipelinePolicy {
  const jar = new Map<string, StoredCookie>();
  return {
    name: "autorestCookieJarPolicy",
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const now = Date.now();
      const pairs: string[] = [];
      for (const [name, cookie] of jar) {
        if (cookie.expiresAt !== undefined && cookie.expiresAt <= now) {
          jar.delete(name);
        } else {
          pairs.push(`${name}=${cookie.value}`);
        }
      }
      if (pairs.length > 0) {
        request.headers.set("cookie", pairs.join("; "));
      } else {
        request.headers.delete("cookie");
      }

      const response = await next(request);

      const setCookie = response.headers.get("set-cookie");
      if (setCookie) {
        const received = Date.now();
        for (const single of splitSetCookie(setCookie)) {
          applySetCookie(jar, single, received);
        }
      }
      return response;
    },
  };
}

/**
 * Sets `x-ms-client-request-id` to `id` on every request (overriding the per-request id that the
 * default pipeline's setClientRequestIdPolicy would otherwise put there).
 */
export function fixedClientRequestIdPolicy(id: string = AUTOREST_CLIENT_REQUEST_ID): PipelinePolicy {
  return {
    name: "autorestFixedClientRequestIdPolicy",
    sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      request.headers.set("x-ms-client-request-id", id);
      return next(request);
    },
  };
}
