import type { HttpHeaders, RawHttpHeaders, RawHttpHeadersInput } from "@azure/core-rest-pipeline";

/** A header value as core-rest-pipeline 1.24 stores it: a string, trimmed, CR and LF removed (header injection). */
function headerValue(value: string | number | boolean): string {
  const text = String(value).trim();
  return text.includes("\r") || text.includes("\n") ? text.replace(/[\r\n]/g, "") : text;
}

/**
 * Request headers as core-rest-pipeline's `createHttpHeaders` makes them (names case-insensitive,
 * each kept as last set for `toJSON({ preserveCase: true })` and iteration, in the order first
 * set; values as {@link headerValue} stores them), written here so that sending a request imports
 * nothing from core-rest-pipeline's index, which would bring its default pipeline and client
 * into every app's bundle.
 *
 * One flat array, `[key, name, value, …]` with `key` the lower-cased name, rather than a `Map` of
 * entry objects: a request has a handful of headers, which a scan finds as fast as a hash, and a
 * poll's response keeps its request (and so these) until the next poll: a third of the memory.
 */
class LroHttpHeaders implements HttpHeaders {
  #list: string[];
  /** Whether `#list` may be another's too: copied before the first write (see {@link copy}). */
  #shared: boolean;

  constructor(list: string[], shared: boolean) {
    this.#list = list;
    this.#shared = shared;
  }

  /** The list, to write to: this object's own. */
  #writable(): string[] {
    if (this.#shared) {
      this.#list = this.#list.slice();
      this.#shared = false;
    }
    return this.#list;
  }

  #indexOf(key: string): number {
    const list = this.#list;
    for (let index = 0; index < list.length; index += 3) if (list[index] === key) return index;
    return -1;
  }

  get(name: string): string | undefined {
    const index = this.#indexOf(name.toLowerCase());
    return index < 0 ? undefined : this.#list[index + 2];
  }

  has(name: string): boolean {
    return this.#indexOf(name.toLowerCase()) >= 0;
  }

  set(name: string, value: string | number | boolean): void {
    const key = name.toLowerCase();
    const index = this.#indexOf(key);
    if (index < 0) this.#writable().push(key, name, headerValue(value));
    else this.#writable().splice(index + 1, 2, name, headerValue(value));
  }

  delete(name: string): void {
    const index = this.#indexOf(name.toLowerCase());
    if (index >= 0) this.#writable().splice(index, 3);
  }

  toJSON(options: { preserveCase?: boolean } = {}): RawHttpHeaders {
    const json: RawHttpHeaders = {};
    const list = this.#list;
    const offset = options.preserveCase ? 1 : 0;
    for (let index = 0; index < list.length; index += 3) json[list[index + offset]!] = list[index + 2]!;
    return json;
  }

  toString(): string {
    return JSON.stringify(this.toJSON({ preserveCase: true }));
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    const list = this.#list;
    for (let index = 0; index < list.length; index += 3) yield [list[index + 1]!, list[index + 2]!];
  }

  /**
   * A copy, as independent as a new set of headers, that shares this one's list until either is
   * written to: a poll's request keeps its headers until the next poll, and a pipeline without
   * policies that set headers never writes them.
   */
  copy(): LroHttpHeaders {
    this.#shared = true;
    return new LroHttpHeaders(this.#list, true);
  }
}

/** Headers satisfying core-rest-pipeline's `HttpHeaders`, from a plain record. */
export function createHttpHeaders(raw?: RawHttpHeadersInput): HttpHeaders {
  const headers = new LroHttpHeaders([], false);
  if (raw !== undefined) for (const name of Object.keys(raw)) headers.set(name, raw[name]!);
  return headers;
}

/**
 * Headers for the next of a series of requests that all send the same ones (an operation's
 * polls): a copy of `template`, made once with {@link createHttpHeaders}.
 */
export function copyHttpHeaders(template: HttpHeaders): HttpHeaders {
  return template instanceof LroHttpHeaders ? template.copy() : createHttpHeaders(template.toJSON({ preserveCase: true }));
}
