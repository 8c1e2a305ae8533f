import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised when a poll or final GET could not be sent or answered at all (connection refused or
 * reset, DNS failure, no answer within `requestTimeoutInMs`) after every retry. `cause` is the
 * transport's own error.
 *
 * @example
 * ```ts
 * beginLro(request, { pipeline, retry: { maxRetries: 5 } }).subscribe({
 *   error: (error: unknown) => {
 *     // The network failed every retry: the operation goes on; resume it later from the token.
 *     if (error instanceof LroRequestError) console.error("offline?", error.cause, error.continuationToken);
 *   },
 * });
 * ```
 */
export class LroRequestError extends LroError {
  override readonly name = "LroRequestError";

  static {
    brandErrorClass(this, "LroRequestError");
  }

  constructor(during: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`The request ${during} failed: ${reason}`, { cause });
  }
}
