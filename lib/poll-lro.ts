import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { type Observable, of } from "rxjs";
import { checkPolling, type BeginLroOptions } from "./begin-lro.js";
import { describeValue } from "./errors/describe-value.js";
import { checkAbsoluteHttpUrl } from "./input-checks.js";
import { armPolling } from "./presets/arm-polling.js";
import type { LroState } from "./state.js";
import { isJsonObject } from "./http/body.js";

function checkResponse(response: unknown): void {
  const request = isJsonObject(response) ? response.request : undefined;
  if (!isJsonObject(response) || typeof response.status !== "number" || !isJsonObject(response.headers) || typeof response.headers.get !== "function" || !isJsonObject(request)) {
    throw new TypeError(
      `Expected \`initialResponse\` to be a PipelineResponse (with \`status\`, \`headers\` and the \`request\` that started the operation), got ${describeValue(response)}`,
    );
  }
  checkAbsoluteHttpUrl("initialResponse.request.url", request.url);
  if (typeof request.method !== "string") {
    throw new TypeError(`Expected \`initialResponse.request.method\` to be a string, got ${describeValue(request.method)}`);
  }
}

/**
 * Follows an operation whose initial response you already have (from a generated client, say):
 * the states from that response on, exactly as {@link beginLro} would. Cold: no poll is sent
 * before you subscribe. The response's `request` must be the one that started the operation
 * (its URL and method decide where the result is fetched).
 *
 * @example
 * ```ts
 * const response = await pipeline.sendRequest(client, createPipelineRequest({ url, method: "DELETE" }));
 * pollLro(response, { pipeline }).subscribe((state) => console.log(state.status));
 * ```
 */
export function pollLro<TResult = unknown>(
  initialResponse: PipelineResponse,
  options: BeginLroOptions<TResult> = {},
): Observable<LroState<TResult>> {
  checkResponse(initialResponse);
  const { polling, ...common } = checkPolling(options);
  return of(initialResponse).pipe(polling === undefined ? armPolling<TResult>(common) : polling.withDefaults(common));
}
