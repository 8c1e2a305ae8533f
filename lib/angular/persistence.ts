import { isTerminalState, type LroHub, type LroState } from "rx-lro";
import type { LroTokenStorage, RxLroPersistence } from "./tokens.js";

/** One persisted operation. */
interface StoredOperation {
  readonly token: string;
  readonly label?: string;
}

/**
 * The unfinished operations' tokens in the app's storage, by hub id. What storage holds is
 * outside input: anything not shaped like a list of tokens is ignored (and overwritten).
 * @internal
 */
export class LroPersistence {
  readonly #storage: LroTokenStorage;
  readonly #key: string;
  readonly #operations = new Map<string, StoredOperation>();
  #written: string | null;

  constructor(config: RxLroPersistence, hub: LroHub) {
    this.#storage = config.storage();
    this.#key = config.key;
    this.#written = this.#storage.getItem(this.#key);
    for (const stored of parse(this.#written)) {
      let id: string;
      try {
        id = hub.idOf(stored.token);
      } catch {
        id = `invalid ${stored.token}`;
      }
      this.#operations.set(id, stored);
    }
  }

  /** What storage holds, by hub id (a malformed token under an id of its own). */
  entries(): { readonly id: string; readonly token: string; readonly label?: string }[] {
    return [...this.#operations].map(([id, stored]) => ({ id, ...stored }));
  }

  /** Keeps the running operations of a hub snapshot, drops the finished ones. */
  record(states: ReadonlyMap<string, LroState>, labels: ReadonlyMap<string, string>): void {
    for (const [id, state] of states) {
      if (isTerminalState(state)) this.#operations.delete(id);
      else {
        const label = labels.get(id) ?? this.#operations.get(id)?.label;
        this.#operations.set(id, label === undefined ? { token: state.continuationToken } : { token: state.continuationToken, label });
      }
    }
    this.#write();
  }

  drop(id: string): void {
    if (this.#operations.delete(id)) this.#write();
  }

  #write(): void {
    const value = this.#operations.size === 0 ? null : JSON.stringify([...this.#operations.values()]);
    if (value === this.#written) return;
    this.#written = value;
    if (value === null) this.#storage.removeItem(this.#key);
    else this.#storage.setItem(this.#key, value);
  }
}

function parse(text: string | null): StoredOperation[] {
  if (text === null) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is StoredOperation =>
      typeof item === "object" && item !== null && typeof item.token === "string" && (item.label === undefined || typeof item.label === "string"),
  );
}
