/**
 * The summary line: how many rows are in each status, from the rows' status reports, folded
 * with `scan`.
 * @module
 */
import { map, type Observable, scan, startWith } from "rxjs";
import type { RowStatus } from "./row-view.js";

/** A row's status changed; `undefined` means the row was removed. */
export interface RowStatusChange {
  readonly rowId: string;
  readonly status: RowStatus | undefined;
}

/** Rows by status, and in all. */
export type StatusCounts = Readonly<Partial<Record<RowStatus, number>>> & { readonly total: number };

/** The order of the summary line, and its words: `[status, one, many]`. */
const shown: readonly (readonly [RowStatus, string, string])[] = [
  ["starting", "starting", "starting"],
  ["notStarted", "not started", "not started"],
  ["running", "running", "running"],
  ["succeeded", "succeeded", "succeeded"],
  ["failed", "failed", "failed"],
  ["canceled", "canceled", "canceled"],
  ["stopped", "stopped", "stopped"],
  ["error", "error", "errors"],
];

/** The counts of every row's latest status. */
export function statusCounts(changes$: Observable<RowStatusChange>): Observable<StatusCounts> {
  return changes$.pipe(
    scan((statuses, { rowId, status }) => {
      if (status === undefined) statuses.delete(rowId);
      else statuses.set(rowId, status);
      return statuses;
    }, new Map<string, RowStatus>()),
    map((statuses) => {
      const counts: Partial<Record<RowStatus, number>> = {};
      for (const status of statuses.values()) counts[status] = (counts[status] ?? 0) + 1;
      return { ...counts, total: statuses.size };
    }),
    startWith({ total: 0 }),
  );
}

/** `"5 operations · 2 running · 3 succeeded"`: the statuses with a count, in a fixed order. */
export function summaryText(counts: StatusCounts): string {
  const parts = [`${counts.total} operation${counts.total === 1 ? "" : "s"}`];
  for (const [status, one, many] of shown) {
    const count = counts[status] ?? 0;
    if (count > 0) parts.push(`${count} ${count === 1 ? one : many}`);
  }
  return parts.join(" · ");
}
