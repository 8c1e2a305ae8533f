import { brandErrorClass, LroError } from "./lro-error.js";

/**
 * Raised instead of sending a request to a URL the service handed out that rx-lro will not follow:
 * not http(s), an https → http downgrade, or a host other than the initial request's that is not
 * listed in `allowedHosts`. It keeps a hostile header from sending the pipeline's credentials elsewhere.
 *
 * @example
 * ```ts
 * // The status monitor lives on another host the app trusts: list it, or the poll is refused.
 * beginLro(request, { pipeline, allowedHosts: ["*.monitor.example.com"] }).subscribe({
 *   error: (error: unknown) => {
 *     if (error instanceof LroUrlRejectedError) console.error("refused to follow", error.url);
 *   },
 * });
 * ```
 */
export class LroUrlRejectedError extends LroError {
  override readonly name = "LroUrlRejectedError";

  static {
    brandErrorClass(this, "LroUrlRejectedError");
  }

  /** The URL refused (truncated when very long). */
  readonly url: string;

  constructor(url: string, reason: string) {
    const shown = url.length > 200 ? `${url.slice(0, 200)}…` : url;
    super(`Refused to follow ${JSON.stringify(shown)}: ${reason}`);
    this.url = shown;
  }
}
