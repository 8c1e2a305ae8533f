import type { LroCanceledState } from "../state.js";
import { describeServiceError } from "./describe-service-error.js";
import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised by {@link lroResult} when the service reports the operation as canceled. The stream of
 * states itself does not error: it emits the canceled state and completes.
 *
 * @example
 * ```ts
 * const result$ = beginLro(request, { pipeline }).pipe(lroResult());
 * result$.subscribe({
 *   error: (error: unknown) => {
 *     if (error instanceof LroCanceledError) console.warn("canceled on the service", error.state.error?.message);
 *   },
 * });
 * ```
 */
export class LroCanceledError extends LroError {
  override readonly name = "LroCanceledError";

  static {
    brandErrorClass(this, "LroCanceledError");
  }

  /** The terminal state the service reported. */
  override get state(): LroCanceledState {
    return super.state as LroCanceledState;
  }

  constructor(state: LroCanceledState) {
    super(`The long-running operation was canceled${describeServiceError(state.error)}`, { state });
  }
}
