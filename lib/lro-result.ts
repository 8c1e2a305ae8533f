import { Observable, type OperatorFunction, type Subscriber, type Subscription } from "rxjs";
import { LroCanceledError } from "./errors/lro-canceled-error.js";
import { LroFailedError } from "./errors/lro-failed-error.js";
import type { LroState } from "./state.js";

/**
 * Reduces a stream of states to the operation's result: emits `result` when the operation
 * succeeds, and errors with {@link LroFailedError} or {@link LroCanceledError} (carrying the
 * terminal state and its continuation token) when it fails or is canceled. Intermediate states
 * are dropped.
 *
 * @example
 * ```ts
 * const widget = await firstValueFrom(beginLro(request, { pipeline }).pipe(lroResult()));
 * ```
 */
export function lroResult<TResult>(): OperatorFunction<LroState<TResult>, TResult> {
  // One subscriber rather than filter + map: it is held for the whole life of every operation.
  return (source) => new Observable<TResult>((subscriber) => subscribeResults(source, subscriber));
}

/**
 * The subscription of {@link lroResult}. A function of its own, so that the subscriber's
 * callbacks, which live as long as the operation, do not keep `source` (closures made in one
 * function share one context, which links to the enclosing one): with it went the whole chain
 * that made the operation, its initial request and options among them.
 */
function subscribeResults<TResult>(source: Observable<LroState<TResult>>, subscriber: Subscriber<TResult>): Subscription {
  return source.subscribe({
    next: (state) => {
      switch (state.status) {
        case "succeeded":
          subscriber.next(state.result);
          return;
        case "failed":
          subscriber.error(new LroFailedError(state));
          return;
        case "canceled":
          subscriber.error(new LroCanceledError(state));
          return;
        default:
      }
    },
    error: (error: unknown) => subscriber.error(error),
    complete: () => subscriber.complete(),
  });
}
