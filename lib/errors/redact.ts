/** An absolute http(s) URL in text, up to its query or fragment, and that query or fragment. */
const urlWithQuery = /\b(https?:\/\/[^\s?#"'<>`]*)([?#])(?!…)[^\s"'<>`]*/gi;

/**
 * Text with the query string and fragment of every absolute URL in it replaced by `?…` (`#…`):
 * ARM polling URLs carry signatures there, and error messages end up in logs.
 */
export function redactQueries(text: string): string {
  return text.replace(urlWithQuery, "$1$2…");
}

/** One URL, relative or not, cut at its query string or fragment (shown as `?…`, `#…`). */
export function withoutQuery(url: string): string {
  const at = url.search(/[?#]/);
  return at === -1 ? url : `${url.slice(0, at + 1)}…`;
}

/**
 * Redacts, in place, the query strings in the message and stack of an error and of its causes
 * (three deep): the transport's error repeats the URL it failed on, and `console.error` prints
 * an error's causes. The objects are kept, so `instanceof` and their codes still hold.
 */
export function redactErrorChain(error: unknown): void {
  let current = error;
  for (let depth = 0; depth < 3 && current instanceof Error; depth++) {
    try {
      const message = redactQueries(current.message);
      if (message !== current.message) current.message = message;
      if (typeof current.stack === "string") {
        const stack = redactQueries(current.stack);
        if (stack !== current.stack) current.stack = stack;
      }
    } catch {
      // a frozen error stays as it is
    }
    current = current.cause;
  }
}
