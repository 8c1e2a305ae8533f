import type { FinalStateVia, LroStrategyName } from "./state.js";

/**
 * Everything needed to go on following an operation, and nothing more: this is what a
 * continuation token holds. Immutable; each poll makes a new one.
 */
export interface TrackedOperation {
  readonly strategy: LroStrategyName;
  /** The initial request's method, upper-case. */
  readonly method: string;
  /** The initial request's URL: the origin every other URL is checked against. */
  readonly requestUrl: string;
  /** The URL polled for status (checked), when the strategy polls. */
  readonly pollingUrl?: string;
  /**
   * The initial response's `Location` header, as sent (checked only when it is followed): where a
   * status monitor's POST finds its result. A `Location` on a poll does not replace it (Python's
   * ARMPolling, Go and core-lro agree); the Location algorithm follows a new one as its polling URL.
   */
  readonly location?: string;
  readonly finalStateVia?: FinalStateVia;
  /** The initial request went over http with `allowInsecureConnection`, so the polls may too. */
  readonly allowInsecureConnection: boolean;
  /** The initial request's `x-ms-client-request-id`, reused on every poll for correlation. */
  readonly clientRequestId?: string;
  /** For an operation that finished without polling: how it ended. */
  readonly finishedAs?: "succeeded" | "failed" | "canceled";
}
