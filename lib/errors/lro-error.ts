import type { LroState } from "../state.js";
import { redactErrorChain, redactQueries } from "./redact.js";

let attach: (error: LroError, state: LroState) => void;

/**
 * Where an rx-lro error class's prototype records which class it is, under a registry-wide
 * symbol: the same key in the ESM and the CJS build (and in any other copy of the package).
 */
const classBrand = Symbol.for("rx-lro.errorClass");

/** The brand `prototype` itself carries (not one it inherits). */
function ownBrand(prototype: object): unknown {
  return Object.getOwnPropertyDescriptor(prototype, classBrand)?.value;
}

/**
 * Marks `errorClass` as rx-lro's error class `name`, so that `instanceof` recognises its
 * instances across builds and copies of the package (see {@link LroError}).
 * @internal
 */
export function brandErrorClass(errorClass: { readonly prototype: LroError }, name: string): void {
  Object.defineProperty(errorClass.prototype, classBrand, { value: name });
}

/**
 * The base of every error an rx-lro stream raises. It carries the last state observed before the
 * error and that state's continuation token, so a caller can resume the operation with
 * {@link resumeLro} once the cause is gone: the operation itself keeps running on the service.
 *
 * `instanceof` holds across the package's ESM and CJS builds (and duplicate copies): an error
 * thrown by one is an instance of the same class from the other, and of the classes it extends,
 * your own subclasses included. That check reads a brand every rx-lro error class leaves on its
 * prototype under `Symbol.for("rx-lro.errorClass")`, so it tells errors apart; it is no proof
 * of where an object came from.
 *
 * @example
 * ```ts
 * beginLro(request, { pipeline, timeoutInMs: 10 * 60_000 }).subscribe({
 *   next: render,
 *   error: (error: unknown) => {
 *     // Struck after the first response: the operation still runs on the service; keep its token to resume it.
 *     if (error instanceof LroError && error.continuationToken !== undefined) localStorage.setItem("lro", error.continuationToken);
 *   },
 * });
 * ```
 */
export abstract class LroError extends Error {
  #state: LroState | undefined;

  protected constructor(message: string, options: { state?: LroState; cause?: unknown } = {}) {
    // No query string in a message, the cause's included: they may carry signatures.
    if (options.cause !== undefined) redactErrorChain(options.cause);
    super(redactQueries(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.#state = options.state;
  }

  /** The last state observed before the error, if the operation got as far as a first response. */
  get state(): LroState | undefined {
    return this.#state;
  }

  /** Resumes the operation from where the error struck (see {@link resumeLro}). */
  get continuationToken(): string | undefined {
    return this.#state?.continuationToken;
  }

  /**
   * `value instanceof this`: by the prototype chain, or else by the brands along it, which an
   * rx-lro error from another build of the package carries too.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const brand = ownBrand(this.prototype as object);
    if (brand === undefined || typeof value !== "object" || value === null) return false;
    for (let prototype: object | null = Object.getPrototypeOf(value); prototype !== null; prototype = Object.getPrototypeOf(prototype)) {
      if (ownBrand(prototype) === brand) return true;
    }
    return false;
  }

  static {
    brandErrorClass(this, "LroError");
    attach = (error, state) => {
      // An error from another build passes `instanceof` but has no field of this build's class.
      if (#state in error) error.#state ??= state;
    };
  }
}

/**
 * Records the state an error struck in, for errors raised below the polling loop (HTTP, parsing)
 * that could not know it. A state already recorded wins.
 * @internal
 */
export function attachState<E>(error: E, state: LroState | undefined): E {
  if (error instanceof LroError && state !== undefined) attach(error, state);
  return error;
}
