import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { TrackedOperation } from "../tracked-operation.js";
import type { LroStrategyName } from "../state.js";
import type { Reading } from "./reading.js";

/** Where the final result of a succeeded operation comes from. */
export type FinalResultSource =
  | { readonly from: "get"; readonly url: string }
  | { readonly from: "body" }
  | { readonly from: "none" };

/**
 * One polling algorithm, as plain functions of responses: the polling loop
 * (`lib/engine/follow-operation.ts`) does the sending, timing and bookkeeping.
 */
export interface PollingStrategy {
  readonly name: LroStrategyName;
  /** Whether this algorithm can follow an operation that started with this response. */
  canPoll(initial: PipelineResponse): boolean;
  /** The URL to poll next as this response gives it (unresolved), or `undefined` to keep the current one. */
  pollingLink(response: PipelineResponse, operation: Pick<TrackedOperation, "requestUrl" | "method">): string | undefined;
  /** Reads the initial response. */
  readInitial(response: PipelineResponse): Reading;
  /** Reads a poll response with a 2xx status; throws `LroBadResponseError` when it cannot. */
  readPoll(response: PipelineResponse): Reading;
  /** Where the result of a succeeded operation comes from, given its last reading. */
  finalResult(operation: TrackedOperation, last: Reading): FinalResultSource;
}
