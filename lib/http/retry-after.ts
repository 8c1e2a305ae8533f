import type { HttpHeaders } from "@azure/core-rest-pipeline";

const decimalNumber = /^\d+(?:\.\d+)?$/;

// RFC 9110 §5.6.7: IMF-fixdate, then the obsolete RFC 850 and asctime forms a recipient must accept.
const httpDateForms = [
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

export function millisecondsFrom(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  return decimalNumber.test(text) ? Number(text) : undefined;
}

export function secondsOrDateFrom(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (decimalNumber.test(text)) return Number(text) * 1000;
  if (!httpDateForms.some((form) => form.test(text))) return undefined;
  const date = Date.parse(text.endsWith("GMT") ? text : `${text} GMT`);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The delay a response asks for before the next request, in milliseconds: `retry-after-ms`, then
 * `x-ms-retry-after-ms`, then `Retry-After` (seconds, decimals allowed, or an HTTP-date; a date
 * in the past means now). A value that is none of these (negative, repeated, garbage) is ignored,
 * so the caller falls back to its interval. The result may be huge or `Infinity`: callers clamp.
 */
export function parseRetryAfter(headers: HttpHeaders, now: number): number | undefined {
  return (
    millisecondsFrom(headers.get("retry-after-ms")) ??
    millisecondsFrom(headers.get("x-ms-retry-after-ms")) ??
    secondsOrDateFrom(headers.get("retry-after"), now)
  );
}
