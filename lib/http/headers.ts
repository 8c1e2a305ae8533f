import type { PipelineResponse } from "@azure/core-rest-pipeline";

/** A header carrying a URL, trimmed; `undefined` when absent or blank. Names are case-insensitive. */
export function headerLink(response: PipelineResponse, name: string): string | undefined {
  const value = response.headers.get(name)?.trim();
  return value === undefined || value === "" ? undefined : value;
}
