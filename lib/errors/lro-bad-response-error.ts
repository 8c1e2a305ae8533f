import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { LroState } from "../state.js";
import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised when a response cannot be followed: an empty or invalid JSON body where one is required,
 * a status monitor without a `status`, or an accepted DELETE/POST that says nothing about how to
 * track it.
 *
 * @example
 * ```ts
 * beginLro(request, { pipeline }).subscribe({
 *   error: (error: unknown) => {
 *     if (error instanceof LroBadResponseError) console.error(`HTTP ${error.response?.status}: a response rx-lro cannot follow`, error.message);
 *   },
 * });
 * ```
 */
export class LroBadResponseError extends LroError {
  override readonly name = "LroBadResponseError";

  static {
    brandErrorClass(this, "LroBadResponseError");
  }

  /** The response at fault. */
  readonly response: PipelineResponse | undefined;

  constructor(message: string, options: { response?: PipelineResponse; state?: LroState; cause?: unknown } = {}) {
    super(message, options);
    this.response = options.response;
  }
}
