/**
 * ARM error bodies and the exception that carries one out of a handler.
 *
 * Every error the server answers with, from a missing api-version to an exception in a handler,
 * has the ARM shape `{ "error": { "code", "message", "target"?, "details"? } }`, so a client
 * written for ARM can always read it.
 * @module
 */

/** The ARM error object (`ErrorDetail` in the ARM common types). */
export interface ArmErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly details?: readonly ArmErrorDetail[];
}

/** The body of an ARM error response. */
export interface ArmErrorBody {
  readonly error: ArmErrorDetail;
}

/**
 * Thrown by handlers to answer with an ARM error. Anything else a handler throws is a bug and
 * becomes a 500 `InternalServerError`.
 */
export class ArmHttpError extends Error {
  override readonly name = "ArmHttpError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. `Allow` on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The response body. */
  get body(): ArmErrorBody {
    return errorBody(this.code, this.message);
  }
}

/** An ARM error body. */
export function errorBody(code: string, message: string, details?: readonly ArmErrorDetail[]): ArmErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The 404 of a path no route matches. */
export const notFound = (path: string): ArmHttpError =>
  new ArmHttpError(404, "NotFound", `No route matches '${path}'.`);

/** The 405 of a route that exists for other methods. */
export const methodNotAllowed = (method: string, allowed: readonly string[]): ArmHttpError =>
  new ArmHttpError(405, "MethodNotAllowed", `The method '${method}' is not allowed here; allowed: ${allowed.join(", ")}.`, {
    allow: allowed.join(", "),
  });

/** The 400 of a body that is not JSON, or not the JSON the route expects. */
export const invalidRequestContent = (why: string): ArmHttpError =>
  new ArmHttpError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: ${why}`);
