import type { NgZone } from "@angular/core";
import { Observable } from "rxjs";
import { isTerminalState, type LroState } from "rx-lro";

/**
 * Subscribes to `source` outside the Angular zone, so its timers and requests neither trigger
 * change detection nor keep the zone unstable, and brings each state back into the zone once.
 * The terminal state and the completion that follows it arrive in one entry: a stream of n
 * states costs n change detections. Under zoneless change detection (a `NoopNgZone`) this
 * only passes values on.
 * @internal
 */
export function inAngularZone<T>(zone: NgZone, source: Observable<LroState<T>>): Observable<LroState<T>> {
  return new Observable<LroState<T>>((subscriber) => {
    let held: LroState<T> | undefined;
    const flush = () => {
      if (held === undefined) return;
      const state = held;
      held = undefined;
      subscriber.next(state);
    };
    const subscription = zone.runOutsideAngular(() =>
      source.subscribe({
        next: (state) => {
          if (held !== undefined) zone.run(flush);
          if (isTerminalState(state)) {
            // rx-lro completes right after a terminal state; deliver both in one zone entry.
            held = state;
            queueMicrotask(() => {
              if (held === state && !subscriber.closed) zone.run(flush);
            });
          } else {
            zone.run(() => subscriber.next(state));
          }
        },
        error: (error: unknown) =>
          zone.run(() => {
            flush();
            subscriber.error(error);
          }),
        complete: () =>
          zone.run(() => {
            flush();
            subscriber.complete();
          }),
      }),
    );
    return () => subscription.unsubscribe();
  });
}
