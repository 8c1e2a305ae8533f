/**
 * The observable of states one row follows: a new operation (`beginLro`, after creating the
 * widget it needs) or one restored from a continuation token (`resumeLro`). Both are cold:
 * nothing is sent until the row subscribes, and unsubscribing aborts whatever is in flight, the
 * seeding PUT included.
 * @module
 */
import { defer, type Observable, switchMap, throwError } from "rxjs";
import { fromFetch } from "rxjs/fetch";
import { beginLro, type LroOptions, type LroState, resumeLro } from "../../../lib/index.js";
import { needsWidget, seedRequest, startRequest, type Knobs, type OperationKind } from "./arm.js";

/** What every operation of the page shares. */
export interface LroContext {
  /** The page's origin (`location.origin`), which the server's API lives on. */
  readonly origin: string;
  /** The options every stream gets (one shared default pipeline and HTTP client). */
  readonly options: LroOptions;
}

/**
 * Starts an operation of `kind` on widget `widget`. Kinds other than `create` act on an existing
 * widget, so a plain PUT creates it first (`fromFetch`, aborted on unsubscribe like the rest).
 */
export function startOperation(context: LroContext, kind: OperationKind, widget: string, knobs: Knobs): Observable<LroState> {
  const begin$ = beginLro(startRequest(context.origin, kind, widget, knobs), context.options);
  if (!needsWidget(kind)) return begin$;
  const seed = seedRequest(context.origin, widget);
  return fromFetch(seed.url, seed.init).pipe(
    switchMap((response) =>
      response.ok ? begin$ : throwError(() => new Error(`Creating widget '${widget}' failed with HTTP ${response.status}`)),
    ),
  );
}

/**
 * Follows an operation from a stored continuation token. A token `resumeLro` refuses (it throws
 * at once: a `TypeError` for a malformed one, an `LroUrlRejectedError` for one naming a host the
 * options do not trust) becomes the stream's error, so the row can show it.
 */
export function resumeOperation(context: LroContext, token: string): Observable<LroState> {
  return defer(() => resumeLro(token, context.options));
}
