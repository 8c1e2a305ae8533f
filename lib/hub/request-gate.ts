import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Observable, Subscription } from "rxjs";
import type { LroAbortSignal } from "../options.js";

interface Waiter {
  readonly start: () => void;
  readonly cancel: () => void;
}

function abortError(): Error {
  return Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
}

/**
 * Lets at most `maxInFlight` requests through at a time, in arrival order, and none while
 * `paused$` says so. Arrival order is fair: every operation has at most one request waiting, so
 * none can starve. A request aborted while it waits leaves the queue at once.
 */
export class RequestGate {
  readonly #queue: Waiter[] = [];
  #inFlight = 0;
  #paused = false;
  #pauseSubscription: Subscription | undefined;

  constructor(
    readonly maxInFlight: number,
    private readonly paused$: Observable<boolean> | undefined,
  ) {}

  /** Requests being answered now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Requests waiting for a place (or for the page to be visible again). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs `task` when a place is free. */
  run<T>(task: () => Promise<T>, signal: LroAbortSignal | undefined): Promise<T> {
    // Subscribed on first use, not at construction, so a hub that never polls adds no listener.
    this.#pauseSubscription ??= this.paused$?.subscribe((paused) => {
      this.#paused = paused;
      this.#pump();
    });
    return new Promise<T>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => waiter.cancel();
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#inFlight++;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.#inFlight--;
              this.#pump();
            });
        },
        cancel: () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(abortError());
        },
      };
      signal?.addEventListener("abort", onAbort);
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** An `HttpClient` whose requests pass this gate. */
  wrap(client: HttpClient): HttpClient {
    return {
      sendRequest: (request: PipelineRequest): Promise<PipelineResponse> =>
        this.run(() => client.sendRequest(request), request.abortSignal),
    };
  }

  #pump(): void {
    while (!this.#paused && this.#inFlight < this.maxInFlight && this.#queue.length > 0) {
      this.#queue.shift()!.start();
    }
  }
}
