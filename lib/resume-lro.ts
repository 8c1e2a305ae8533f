import type { Observable } from "rxjs";
import { decodeContinuationToken } from "./continuation-token.js";
import { followTrackedOperation } from "./engine/follow-operation.js";
import { guardOperation } from "./engine/guard.js";
import { describeValue } from "./errors/describe-value.js";
import { checkResumedOperation } from "./http/url-policy.js";
import { resolveOptions, type LroOptions } from "./options.js";
import type { LroState } from "./state.js";
import { isCoreLroToken, operationFromCoreLroToken } from "./interop/core-lro-state.js";
import { strategiesByName } from "./strategies/registry.js";

/**
 * Follows an operation from a continuation token (any state's `continuationToken`, or an
 * error's), in this process or another: after a page reload, a crash, or an error you have
 * dealt with. It also accepts what an `@azure/core-lro` poller's `serialize()` (v3) or
 * `toString()` (v2) returned, so an operation an Azure SDK began can be followed here.
 *
 * The token is untrusted input, checked at once, before anything is sent: a malformed one throws
 * a `TypeError` saying why; one whose request URL is neither on a built-in Azure cloud host (over
 * https) nor on a host in `allowedHosts`, or whose polling URL leaves that host, downgrades to
 * http or carries user info, throws an `LroUrlRejectedError`. A token is checked, not signed: an
 * edit that passes these checks is followed, on a host you trust. Nothing is sent until you
 * subscribe, and then the first poll goes out at once.
 *
 * @example
 * ```ts
 * localStorage.setItem("lro", state.continuationToken);
 * // … after a reload (an ARM token needs no option; a host of your own must be in allowedHosts):
 * const token = localStorage.getItem("lro");
 * if (token !== null) resumeLro(token, { pipeline }).subscribe(render);
 * ```
 */
export function resumeLro<TResult = unknown>(continuationToken: string, options: LroOptions<TResult> = {}): Observable<LroState<TResult>> {
  if (typeof continuationToken !== "string") {
    throw new TypeError(`Expected \`continuationToken\` to be a string (a state's or an error's continuationToken), got ${describeValue(continuationToken)}`);
  }
  const decoded = isCoreLroToken(continuationToken)
    ? operationFromCoreLroToken(continuationToken)
    : decodeContinuationToken(continuationToken);
  const resolved = resolveOptions(options);
  checkResumedOperation(decoded, resolved.allowedHosts);
  const operation =
    decoded.finalStateVia === undefined && resolved.finalStateVia !== undefined
      ? { ...decoded, finalStateVia: resolved.finalStateVia }
      : decoded;
  return followTrackedOperation(strategiesByName[operation.strategy], operation, resolved).pipe(guardOperation(resolved));
}
