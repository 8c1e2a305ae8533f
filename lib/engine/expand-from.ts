import { Observable } from "rxjs";

/**
 * The steps of an {@link expandFrom} loop: what yields each next value from the last one.
 */
export interface ExpandSteps<T> {
  /**
   * Starts what yields the value after `last`, which it hands to `answer` (or a failure to
   * `fail`) at most once, now or later. Returns `false` when nothing more comes after `last`.
   */
  step(last: T, answer: (next: T) => void, fail: (error: unknown) => void): boolean;
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
 * synchronously is looped over, not recursed into.
 *
 * @example
 * ```ts
 * // 1, 2, 4, 8: one every 100 ms
 * let timer: ReturnType<typeof setTimeout> | undefined;
 * const doubling: ExpandSteps<number> = {
 *   step(last, answer) {
 *     if (last >= 8) return false;
 *     timer = setTimeout(() => answer(last * 2), 100);
 *     return true;
 *   },
 *   cancel: () => clearTimeout(timer),
 * };
 * expandFrom(1, doubling).subscribe(console.log);
 * ```
 */
export function expandFrom<T>(seed: T, steps: ExpandSteps<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let last = seed;
    let pending = false;
    let stepping = false;
    let answeredDuringStep = false;
    const fail = (error: unknown) => {
      pending = false;
      subscriber.error(error);
    };
    const answer = (next: T) => {
      pending = false;
      last = next;
      subscriber.next(next);
      if (stepping) answeredDuringStep = true;
      else expand();
    };
    const expand = () => {
      while (!subscriber.closed) {
        answeredDuringStep = false;
        stepping = true;
        const started = steps.step(last, answer, fail);
        stepping = false;
        if (!started) return subscriber.complete();
        if (answeredDuringStep) continue;
        // A step that failed at once may still have started something.
        if (subscriber.closed) return steps.cancel();
        pending = true;
        return;
      }
    };
    subscriber.next(seed);
    expand();
    return () => {
      if (!pending) return;
      pending = false;
      steps.cancel();
    };
  });
}
