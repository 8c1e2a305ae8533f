import type { LroState } from "../state.js";
import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised when the `abortSignal` passed in the options fires. Polling stops and the in-flight
 * request is aborted; the operation keeps running on the service and the token resumes it.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * beginLro(request, { pipeline, abortSignal: controller.signal }).subscribe({
 *   error: (error: unknown) => {
 *     if (error instanceof LroAbortedError) console.log("stopped watching; the operation goes on", error.continuationToken);
 *   },
 * });
 * controller.abort();
 * ```
 */
export class LroAbortedError extends LroError {
  override readonly name = "LroAbortedError";

  static {
    brandErrorClass(this, "LroAbortedError");
  }

  constructor(state: LroState | undefined, reason: unknown) {
    super("Polling was aborted by the abort signal; the operation may still be running on the service.", {
      state,
      cause: reason,
    });
  }
}
