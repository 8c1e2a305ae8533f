import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { type Observable, of } from "rxjs";
import type { BeginLroOptions } from "./begin-lro.js";
import { armPolling } from "./presets/arm-polling.js";
import type { LroState } from "./state.js";

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
  const { polling, ...common } = options;
  return of(initialResponse).pipe(polling === undefined ? armPolling<TResult>(common) : polling.withDefaults(common));
}
