/**
 * Where unfinished operations survive a reload: one `localStorage` entry per row, holding the
 * latest continuation token. Written on every non-terminal state, removed once the operation is
 * terminal or the row is cancelled, read back on load to resume what was still running.
 * @module
 */
import type { OperationKind } from "./arm.js";

/** What is kept for one row. */
export interface StoredOperation {
  readonly rowId: string;
  readonly kind: OperationKind;
  readonly widget: string;
  /** When the row was first started (epoch ms): rows are restored in this order. */
  readonly startedAt: number;
  /** The latest `continuationToken`, for `resumeLro`. */
  readonly token: string;
}

const prefix = "rx-lro-dashboard:";
const kinds: ReadonlySet<string> = new Set(["create", "update", "delete", "restart", "migrate"]);

function isStoredOperation(value: unknown): value is StoredOperation {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.rowId === "string" &&
    typeof record.kind === "string" &&
    kinds.has(record.kind) &&
    typeof record.widget === "string" &&
    typeof record.startedAt === "number" &&
    typeof record.token === "string"
  );
}

/** A `localStorage`-backed store of continuation tokens, keyed by row id. */
export class TokenStore {
  constructor(private readonly storage: Storage = localStorage) {}

  /** Keeps (or replaces) the entry of a row. */
  save(entry: StoredOperation): void {
    this.storage.setItem(prefix + entry.rowId, JSON.stringify(entry));
  }

  /** Forgets a row. */
  remove(rowId: string): void {
    this.storage.removeItem(prefix + rowId);
  }

  /**
   * Every stored entry, oldest row first. Entries that do not parse are dropped (and deleted), so a
   * corrupted entry cannot break the page on every load.
   */
  load(): StoredOperation[] {
    const found: StoredOperation[] = [];
    for (const key of Object.keys(this.storage)) {
      if (!key.startsWith(prefix)) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(this.storage.getItem(key) ?? "");
      } catch {
        parsed = undefined;
      }
      if (isStoredOperation(parsed) && key === prefix + parsed.rowId) found.push(parsed);
      else this.storage.removeItem(key);
    }
    return found.sort((a, b) => a.startedAt - b.startedAt || (a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0));
  }
}
