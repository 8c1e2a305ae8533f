import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { SchedulerLike } from "rxjs";
import { Timer } from "../scheduling/timer-queue.js";
import { millisecondsFrom, secondsOrDateFrom } from "./retry-after.js";

/** What the guard enforces. */
export interface ClientGuard {
  /** The deadline of one exchange, body included; none when undefined. */
  readonly requestTimeoutInMs?: number;
  /** The longest delay a response may ask for. */
  readonly maxDelayInMs: number;
  readonly scheduler: SchedulerLike;
}

/** The statuses core-rest-pipeline's throttling retry waits on `Retry-After` for. */
const throttlingStatuses: ReadonlySet<number> = new Set([429, 503]);

/**
 * Caps the delays a throttled response asks for before the pipeline's policies read them: its
 * throttling retry waits on `Retry-After` as given, and `setTimeout` fires at once past 2^31 − 1 ms.
 * Other responses are left as they came (rx-lro clamps what it reads from them itself).
 */
function clampRetryAfter(headers: HttpHeaders, guard: ClientGuard): void {
  const { maxDelayInMs } = guard;
  const millisecondHeaders = ["retry-after-ms", "x-ms-retry-after-ms"].filter((name) => headers.has(name));
  for (const name of millisecondHeaders) {
    const asked = millisecondsFrom(headers.get(name));
    if (asked !== undefined && asked > maxDelayInMs) headers.set(name, String(maxDelayInMs));
  }
  const asked = secondsOrDateFrom(headers.get("retry-after"), guard.scheduler.now());
  if (asked !== undefined && asked > maxDelayInMs) {
    headers.set("retry-after", String(Math.floor(maxDelayInMs / 1000)));
    // Whole seconds cannot say a sub-second cap; a millisecond header can, and is read first,
    // so it is added only where none was sent (one that was keeps its precedence).
    if (millisecondHeaders.length === 0) headers.set("retry-after-ms", String(maxDelayInMs));
  }
}

/** The error a request that hit its deadline fails with. */
export function timeoutError(timeoutInMs: number): Error {
  return Object.assign(new Error(`No complete answer within ${timeoutInMs} ms`), { name: "TimeoutError" });
}

/**
 * The `HttpClient` rx-lro's requests are sent through, under the pipeline (so each retry of the
 * pipeline gets its own deadline) and under a hub's request gate (so waiting for a place does
 * not count). It bounds each exchange to `requestTimeoutInMs` by calling `abort` (core-rest-pipeline's
 * own `timeout` stops once the headers are in, so a body that stalls would hang), and it caps
 * the `Retry-After` of throttled responses. One serves an operation's requests, which go one at
 * a time; its deadline is a {@link Timer}, which shares one scheduled action with every deadline of its length.
 */
export class GuardedClient implements HttpClient {
  #timedOut = false;
  readonly #deadline: Timer;

  constructor(
    readonly inner: HttpClient,
    readonly guard: ClientGuard,
    abort: () => void,
  ) {
    this.#deadline = new Timer(() => {
      this.#timedOut = true;
      abort();
    });
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    this.#timedOut = false;
    const { scheduler, requestTimeoutInMs } = this.guard;
    if (requestTimeoutInMs !== undefined) this.#deadline.start(scheduler, requestTimeoutInMs);
    try {
      const response = await this.inner.sendRequest(request);
      if (throttlingStatuses.has(response.status)) clampRetryAfter(response.headers, this.guard);
      return response;
    } finally {
      this.dispose();
    }
  }

  /** Whether the last exchange hit its deadline. */
  timedOut(): boolean {
    return this.#timedOut;
  }

  /** Clears a pending deadline (the request was cancelled). */
  dispose(): void {
    this.#deadline.stop();
  }
}
