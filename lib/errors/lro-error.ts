import type { LroState } from "../state.js";

let attach: (error: LroError, state: LroState) => void;

/**
 * The base of every error an rx-lro stream raises. It carries the last state observed before the
 * error and that state's continuation token, so a caller can resume the operation with
 * {@link resumeLro} once the cause is gone: the operation itself keeps running on the service.
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
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
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

  static {
    attach = (error, state) => {
      error.#state ??= state;
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
