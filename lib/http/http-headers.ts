import type { HttpHeaders, RawHttpHeaders, RawHttpHeadersInput } from "@azure/core-rest-pipeline";

/**
 * Request headers as core-rest-pipeline's `createHttpHeaders` makes them (names case-insensitive,
 * each kept as last set for `toJSON({ preserveCase: true })` and iteration; values converted with
 * `String`, trimmed, CR and LF removed, as its 1.24 does against header injection), written here
 * so that sending a request imports nothing from core-rest-pipeline's index, which would bring its
 * default pipeline and client into every app's bundle.
 */
class LroHttpHeaders implements HttpHeaders {
  readonly #entries = new Map<string, { readonly name: string; readonly value: string }>();

  constructor(raw?: RawHttpHeadersInput) {
    if (raw !== undefined) for (const name of Object.keys(raw)) this.set(name, raw[name]!);
  }

  get(name: string): string | undefined {
    return this.#entries.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase());
  }

  set(name: string, value: string | number | boolean): void {
    this.#entries.set(name.toLowerCase(), { name, value: String(value).trim().replace(/[\r\n]/g, "") });
  }

  delete(name: string): void {
    this.#entries.delete(name.toLowerCase());
  }

  toJSON(options: { preserveCase?: boolean } = {}): RawHttpHeaders {
    const json: RawHttpHeaders = {};
    for (const [key, { name, value }] of this.#entries) json[options.preserveCase ? name : key] = value;
    return json;
  }

  toString(): string {
    return JSON.stringify(this.toJSON({ preserveCase: true }));
  }

  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const { name, value } of this.#entries.values()) yield [name, value];
  }
}

/** Headers satisfying core-rest-pipeline's `HttpHeaders`, from a plain record. */
export function createHttpHeaders(raw?: RawHttpHeadersInput): HttpHeaders {
  return new LroHttpHeaders(raw);
}
