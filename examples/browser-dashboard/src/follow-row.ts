/**
 * One subscription per row: feeds the row's view with the states of its operation, keeps the
 * latest continuation token in storage while the operation runs, and stops on Cancel.
 *
 * Cancel is `takeUntil(click)`: the stream completes and unsubscribes its source, which aborts
 * the request in flight (or the pending Retry-After timer). Nothing is sent to the server to
 * cancel the operation, which carries on there.
 * @module
 */
import { fromEvent, type Observable, type Subscription, take, takeUntil, tap } from "rxjs";
import { isTerminalState, LroError, type LroState } from "../../../lib/index.js";
import type { RowIdentity, RowStatus, RowView } from "./row-view.js";
import type { TokenStore } from "./token-store.js";

/** What a row reports as its status changes (the summary line listens). */
export type RowStatusListener = (rowId: string, status: RowStatus) => void;

/** A followed row. */
export interface FollowedRow {
  readonly identity: RowIdentity;
  readonly view: RowView;
  /** Closed once the operation ended, the row was cancelled or its stream failed. */
  readonly subscription: Subscription;
}

/**
 * Subscribes `states$` for one row.
 * @param startedAt when the row was first started (kept with its token, to restore rows in order)
 */
export function followRow(
  identity: RowIdentity,
  view: RowView,
  states$: Observable<LroState>,
  store: TokenStore,
  startedAt: number,
  onStatus: RowStatusListener,
): FollowedRow {
  let cancelledAt: number | undefined;
  const cancel$ = fromEvent(view.cancelButton, "click").pipe(
    take(1),
    tap(() => (cancelledAt = Date.now())),
  );
  const keep = (token: string) => store.save({ rowId: identity.rowId, kind: identity.kind, widget: identity.widget, startedAt, token });
  onStatus(identity.rowId, view.status);

  const subscription = states$.pipe(takeUntil(cancel$)).subscribe({
    next(state) {
      view.render(state);
      if (isTerminalState(state)) store.remove(identity.rowId);
      else keep(state.continuationToken);
      onStatus(identity.rowId, view.status);
    },
    error(error: unknown) {
      // An LroError carries the token of the last state: the operation still runs, and a reload
      // will try again from there. Anything else (a refused token, a failed seed) is final.
      const token = error instanceof LroError ? error.continuationToken : undefined;
      if (token === undefined) store.remove(identity.rowId);
      else keep(token);
      view.fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      onStatus(identity.rowId, view.status);
    },
    complete() {
      if (cancelledAt === undefined) return;
      store.remove(identity.rowId);
      view.stop(cancelledAt);
      onStatus(identity.rowId, view.status);
    },
  });
  return { identity, view, subscription };
}
