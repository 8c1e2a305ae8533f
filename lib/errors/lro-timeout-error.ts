import type { LroState } from "../state.js";
import { LroError } from "./lro-error.js";

/** Raised when an operation has not reached a terminal state within `timeoutInMs`. */
export class LroTimeoutError extends LroError {
  override readonly name = "LroTimeoutError";
  /** The deadline that passed. */
  readonly timeoutInMs: number;

  constructor(timeoutInMs: number, state: LroState | undefined) {
    super(`The long-running operation did not finish within ${timeoutInMs} ms; it may still be running on the service.`, {
      state,
    });
    this.timeoutInMs = timeoutInMs;
  }
}
