import { Observable, type Subscriber, type Unsubscribable } from "rxjs";

/** Where a step of an {@link expandFrom} loop hands what it yields: at most one call, now or later. */
export interface ExpandAnswer<T> {
  /** The value after the last one. */
  next(value: T): void;
  /** The step failed: the loop errors with `error`. */
  error(error: unknown): void;
}

/**
 * The steps of an {@link expandFrom} loop: what yields each next value from the last one.
 */
export interface ExpandSteps<T> {
  /**
   * Starts what yields the value after `last`, which it hands to `answer` (see
   * {@link ExpandAnswer}). Returns `false` when nothing more comes after `last`.
   */
  step(last: T, answer: ExpandAnswer<T>): boolean;
  /** Cancels the pending step: the subscriber left. */
  cancel(): void;
}

/**
 * Emits `seed`, then the value `steps.step` yields from it, then the value it yields from that,
 * and so on; completes when a step yields nothing more, errors when one fails. What
 * `of(seed).pipe(expand(project, 1))` does when each projection yields at most one value, with one
 * subscriber for the whole loop: `expand` subscribes a new inner observable, with its own
 * subscriber, to every value, which for a polling loop was a good part of the engine's CPU and
 * garbage (see bench/README.md). Unsubscribing cancels the pending step. A step that answers
 * synchronously is looped over, not recursed into. A running loop keeps its last value, not the
 * seed: a loop of polls does not keep the first response alive until the operation ends.
 *
 * @example
 * ```ts
 * // 1, 2, 4, 8: one every 100 ms
 * let timer: ReturnType<typeof setTimeout> | undefined;
 * const doubling: ExpandSteps<number> = {
 *   step(last, answer) {
 *     if (last >= 8) return false;
 *     timer = setTimeout(() => answer.next(last * 2), 100);
 *     return true;
 *   },
 *   cancel: () => clearTimeout(timer),
 * };
 * expandFrom(1, doubling).subscribe(console.log);
 * ```
 */
export function expandFrom<T>(seed: T, steps: ExpandSteps<T>): Observable<T> {
  // No closure made per subscription: it would keep this context, and with it the seed.
  return new Observable<T>((subscriber) => new ExpandLoop(subscriber, steps).start(seed));
}

/** One subscription's loop: its answer object, and its teardown. */
class ExpandLoop<T> implements ExpandAnswer<T>, Unsubscribable {
  #last!: T;
  #pending = false;
  #stepping = false;
  #answeredDuringStep = false;

  constructor(
    private readonly subscriber: Subscriber<T>,
    private readonly steps: ExpandSteps<T>,
  ) {}

  start(seed: T): this {
    this.#last = seed;
    this.subscriber.next(seed);
    this.#expand();
    return this;
  }

  next(value: T): void {
    this.#pending = false;
    this.#last = value;
    this.subscriber.next(value);
    if (this.#stepping) this.#answeredDuringStep = true;
    else this.#expand();
  }

  error(error: unknown): void {
    this.#pending = false;
    this.subscriber.error(error);
  }

  unsubscribe(): void {
    if (!this.#pending) return;
    this.#pending = false;
    this.steps.cancel();
  }

  #expand(): void {
    const subscriber = this.subscriber;
    while (!subscriber.closed) {
      this.#answeredDuringStep = false;
      this.#stepping = true;
      const started = this.steps.step(this.#last, this);
      this.#stepping = false;
      if (!started) return subscriber.complete();
      if (this.#answeredDuringStep) continue;
      // A step that failed at once may still have started something.
      if (subscriber.closed) return this.steps.cancel();
      this.#pending = true;
      return;
    }
  }
}
