/**
 * A short, safe description of a value for a `TypeError` at the call: its kind, and strings,
 * numbers and booleans themselves (a string cut before any query string, which may carry a
 * signature, and at 80 characters).
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string": {
      const shown = value.split(/[?#]/, 1)[0]!;
      return `${JSON.stringify(shown.length > 80 ? `${shown.slice(0, 80)}…` : shown)}${shown.length < value.length ? "…" : ""} (string)`;
    }
    case "number":
    case "boolean":
    case "bigint":
      return `${String(value)} (${typeof value})`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    default:
      return typeof value === "object" ? "an object" : typeof value;
  }
}
