import type { LroFailedState } from "../state.js";
import { describeServiceError } from "./describe-service-error.js";
import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised by {@link lroResult} when the service reports the operation as failed. The stream of
 * states itself does not error: it emits the failed state and completes.
 *
 * @example
 * ```ts
 * try {
 *   const widget = await firstValueFrom(beginLro(request, { pipeline }).pipe(lroResult()));
 *   console.log("created", widget);
 * } catch (error) {
 *   if (error instanceof LroFailedError) console.error(`${error.state.error?.code}: ${error.state.error?.message}`);
 * }
 * ```
 */
export class LroFailedError extends LroError {
  override readonly name = "LroFailedError";

  static {
    brandErrorClass(this, "LroFailedError");
  }

  /** The terminal state the service reported. */
  override get state(): LroFailedState {
    return super.state as LroFailedState;
  }

  constructor(state: LroFailedState) {
    super(`The long-running operation failed${describeServiceError(state.error)}`, { state });
  }
}
