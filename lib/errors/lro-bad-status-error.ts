import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { LroErrorDetail, LroState } from "../state.js";
import { describeServiceError } from "./describe-service-error.js";
import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised when a response has an HTTP status the protocol does not allow at that point: an
 * initial response outside 200/201/202/204, or a poll or final GET that answered 4xx, or 5xx
 * after every retry. `error` holds the service's error object when the body had one.
 *
 * @example
 * ```ts
 * beginLro(request, { pipeline }).subscribe({
 *   error: (error: unknown) => {
 *     // The initial PUT answered 400 (an invalid name, say): nothing was started, and there is no token.
 *     if (error instanceof LroBadStatusError && error.state === undefined) console.error(error.httpStatus, error.error?.code, error.error?.message);
 *   },
 * });
 * ```
 */
export class LroBadStatusError extends LroError {
  override readonly name = "LroBadStatusError";

  static {
    brandErrorClass(this, "LroBadStatusError");
  }

  /** The HTTP status received. */
  readonly httpStatus: number;
  /** The response received. */
  readonly response: PipelineResponse;
  /** The service's error object, if the body carried one. */
  readonly error: LroErrorDetail | undefined;

  constructor(options: {
    response: PipelineResponse;
    during: string;
    error?: LroErrorDetail;
    state?: LroState;
  }) {
    const { response, during, error, state } = options;
    super(
      `Unexpected HTTP status ${response.status} ${during}${describeServiceError(error)}`,
      { state },
    );
    this.httpStatus = response.status;
    this.response = response;
    this.error = error;
  }
}
