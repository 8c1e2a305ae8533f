import { brandErrorClass, LroError } from "./lro-error.js";
import { withoutQuery } from "./redact.js";

/**
 * Raised instead of sending a request to a URL the service handed out that rx-lro will not follow:
 * not http(s), an https → http downgrade, user info, or a host other than the initial request's
 * that is not listed in `allowedHosts`. It keeps a hostile header from sending the pipeline's
 * credentials elsewhere. `resumeLro` and a hub's `watch` throw it at the call for a token (or
 * target) naming a host the app has not vouched for; then it has no state.
 *
 * Refused on the initial response, it carries the state read from that response (the operation
 * has started; `pollingUrl` absent) and a continuation token that keeps the refused URL:
 * resuming it refuses that URL again, before any request, unless its host has since been added
 * to `allowedHosts`.
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

  /** The URL refused, without its query string (which may carry a signature) and cut at 200 characters. */
  readonly url: string;

  constructor(url: string, reason: string) {
    const redacted = withoutQuery(url);
    const shown = redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted;
    super(`Refused to follow ${JSON.stringify(shown)}: ${reason}`);
    this.url = shown;
  }
}
