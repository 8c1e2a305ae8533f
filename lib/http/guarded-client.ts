import type { HttpClient, HttpHeaders, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { SchedulerLike } from "rxjs";
import { millisecondsFrom, secondsOrDateFrom } from "./retry-after.js";

/** What the guard enforces. */
export interface ClientGuard {
  /** The deadline of one exchange, body included; none when undefined. */
  readonly timeoutInMs?: number;
  /** The longest delay a response may ask for. */
  readonly maxDelayInMs: number;
  readonly scheduler: SchedulerLike;
}

function timeoutError(timeoutInMs: number): Error {
  return Object.assign(new Error(`No complete answer within ${timeoutInMs} ms`), { name: "TimeoutError" });
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

/**
 * The `HttpClient` rx-lro sends through, under the pipeline (so each retry of the pipeline is
 * guarded on its own) and under a hub's request gate (so waiting for a place does not count):
 * it bounds the whole exchange to `timeoutInMs` (core-rest-pipeline's own `timeout` stops once
 * the headers are in, so a body that stalls would hang), and it caps `Retry-After` headers.
 */
export function guardedHttpClient(inner: HttpClient, guard: ClientGuard): HttpClient {
  return {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const { timeoutInMs } = guard;
      const upstream = request.abortSignal;
      const controller = new AbortController();
      let timedOut = false;
      const deadline =
        timeoutInMs === undefined
          ? undefined
          : guard.scheduler.schedule(() => {
              timedOut = true;
              controller.abort();
            }, timeoutInMs);
      // On the caller's abort (an unsubscribe), the deadline goes at once: no timer outlives it.
      const abort = () => {
        deadline?.unsubscribe();
        controller.abort();
      };
      if (upstream?.aborted) abort();
      upstream?.addEventListener("abort", abort);
      request.abortSignal = controller.signal;
      try {
        const response = await inner.sendRequest(request);
        if (throttlingStatuses.has(response.status)) clampRetryAfter(response.headers, guard);
        return response;
      } catch (error) {
        throw timedOut && timeoutInMs !== undefined ? timeoutError(timeoutInMs) : error;
      } finally {
        deadline?.unsubscribe();
        upstream?.removeEventListener("abort", abort);
        // The pipeline retries with the same request: its next attempt must see the caller's signal.
        request.abortSignal = upstream;
      }
    },
  };
}
