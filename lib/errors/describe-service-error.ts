import type { LroErrorDetail } from "../state.js";

/** `": Code: message"` for a service error, or `"."` when the service sent none. */
export function describeServiceError(error: LroErrorDetail | undefined): string {
  if (error === undefined) return ".";
  const message = error.message.trim();
  return message === "" ? `: ${error.code}` : `: ${error.code}: ${message}`;
}
