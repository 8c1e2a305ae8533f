import type { Observable } from "rxjs";
import { decodeContinuationToken } from "./continuation-token.js";
import { followTrackedOperation } from "./engine/follow-operation.js";
import { guardOperation } from "./engine/guard.js";
import { resolveOptions, type LroOptions } from "./options.js";
import type { LroState } from "./state.js";
import { isCoreLroToken, operationFromCoreLroToken } from "./interop/core-lro-state.js";
import { strategiesByName } from "./strategies/registry.js";

/**
 * Follows an operation from a continuation token (any state's `continuationToken`, or an
 * error's), in this process or another: after a page reload, a crash, or an error you have
 * dealt with. The token is checked at once (a malformed one throws a `TypeError`); nothing is
 * sent until you subscribe, and then the first poll goes out at once. The token's URLs pass the
 * same checks as a live response's (`allowedHosts`, no downgrade). It also accepts what an
 * `@azure/core-lro` poller's `serialize()` (v3) or `toString()` (v2) returned, so an operation an
 * Azure SDK began can be followed here.
 *
 * @example
 * ```ts
 * localStorage.setItem("lro", state.continuationToken);
 * // … after a reload:
 * resumeLro(localStorage.getItem("lro")!, { pipeline }).subscribe(render);
 * ```
 */
export function resumeLro<TResult = unknown>(continuationToken: string, options: LroOptions<TResult> = {}): Observable<LroState<TResult>> {
  const decoded = isCoreLroToken(continuationToken)
    ? operationFromCoreLroToken(continuationToken)
    : decodeContinuationToken(continuationToken);
  const resolved = resolveOptions(options);
  const operation =
    decoded.finalStateVia === undefined && resolved.finalStateVia !== undefined
      ? { ...decoded, finalStateVia: resolved.finalStateVia }
      : decoded;
  return followTrackedOperation(strategiesByName[operation.strategy], operation, resolved).pipe(guardOperation(resolved));
}
