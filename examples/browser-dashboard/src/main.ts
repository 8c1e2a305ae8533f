/**
 * The dashboard: start operations from the form, follow each in its own row, resume the
 * unfinished ones after a reload, and count them in the summary line.
 * @module
 */
import { type Observable, Subject } from "rxjs";
import type { LroState } from "../../../lib/index.js";
import { clearClicks, kindClicks, readForm } from "./controls.js";
import { byId } from "./dom.js";
import { followRow, type FollowedRow } from "./follow-row.js";
import { resumeOperation, startOperation, type LroContext } from "./operation-stream.js";
import { createRowView, type RowIdentity } from "./row-view.js";
import { statusCounts, summaryText, type RowStatusChange } from "./summary.js";
import { TokenStore } from "./token-store.js";

const context: LroContext = {
  origin: location.origin,
  // The server sends Retry-After: 1; this is the fallback for a response without one. Tokens come
  // back from localStorage, untrusted: only this page's own server is vouched for (loopback is
  // never trusted by default), so a token naming any other host is refused before a request.
  options: { intervalInMs: 1000, allowedHosts: [location.host] },
};
const store = new TokenStore();
const rows = new Map<string, FollowedRow>();
const statusChanges = new Subject<RowStatusChange>();
const table = byId<HTMLTableSectionElement>("rows");
const summary = byId("summary");
const empty = byId("empty");
/** Row ids are unique across reloads: a page's rows share a prefix of its start time. */
const session = Date.now().toString(36);
let sequence = 0;

statusCounts(statusChanges).subscribe((counts) => {
  summary.textContent = summaryText(counts);
  summary.dataset.counts = JSON.stringify(counts);
  empty.hidden = counts.total > 0;
});

function addRow(identity: RowIdentity, states$: Observable<LroState>, startedAt: number): void {
  const view = createRowView(identity);
  table.append(view.element);
  const row = followRow(identity, view, states$, store, startedAt, (rowId, status) => statusChanges.next({ rowId, status }));
  rows.set(identity.rowId, row);
}

// Resume what a previous page left running.
for (const stored of store.load()) {
  addRow(
    { rowId: stored.rowId, kind: stored.kind, widget: stored.widget, resumed: true },
    resumeOperation(context, stored.token),
    stored.startedAt,
  );
}

kindClicks().subscribe((kind) => {
  const { count, knobs } = readForm();
  for (let i = 0; i < count; i++) {
    const rowId = `${session}-${++sequence}`;
    const widget = `w-${rowId}`;
    addRow({ rowId, kind, widget, resumed: false }, startOperation(context, kind, widget, knobs), Date.now());
  }
});

clearClicks().subscribe(() => {
  for (const [rowId, row] of rows) {
    if (!row.subscription.closed) continue;
    row.view.element.remove();
    rows.delete(rowId);
    statusChanges.next({ rowId, status: undefined });
  }
});

document.body.dataset.ready = "true";
