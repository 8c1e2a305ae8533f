import type { LroState } from "../state.js";
import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised when an operation has not reached a terminal state within `timeoutInMs`.
 *
 * @example
 * ```ts
 * beginLro(request, { pipeline, timeoutInMs: 5 * 60_000 }).subscribe({
 *   error: (error: unknown) => {
 *     if (error instanceof LroTimeoutError) console.warn(`still running after ${error.timeoutInMs} ms; resume with`, error.continuationToken);
 *   },
 * });
 * ```
 */
export class LroTimeoutError extends LroError {
  override readonly name = "LroTimeoutError";

  static {
    brandErrorClass(this, "LroTimeoutError");
  }

  /** The deadline that passed. */
  readonly timeoutInMs: number;

  constructor(timeoutInMs: number, state: LroState | undefined) {
    super(`The long-running operation did not finish within ${timeoutInMs} ms; it may still be running on the service.`, {
      state,
    });
    this.timeoutInMs = timeoutInMs;
  }
}
