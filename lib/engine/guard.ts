import { identity, type MonoTypeOperatorFunction, Observable, type Subscriber, Subscription } from "rxjs";
import { LroAbortedError } from "../errors/lro-aborted-error.js";
import { LroTimeoutError } from "../errors/lro-timeout-error.js";
import type { ResolvedLroOptions } from "../options.js";
import type { LroState } from "../state.js";

/**
 * Ends a stream of states early with a typed error carrying the last state: when `timeoutInMs`
 * has passed since subscription, or when `abortSignal` fires. Either way the source is
 * unsubscribed, which aborts its in-flight request and timer.
 */
export function guardOperation<TResult>(
  options: Pick<ResolvedLroOptions<TResult>, "timeoutInMs" | "abortSignal" | "scheduler">,
): MonoTypeOperatorFunction<LroState<TResult>> {
  const { timeoutInMs, abortSignal } = options;
  if (timeoutInMs === undefined && abortSignal === undefined) return identity;
  return (source) => new Observable<LroState<TResult>>((subscriber) => subscribeGuarded(source, subscriber, options));
}

/**
 * The subscription of {@link guardOperation}. A function of its own, so that the callbacks, which
 * live as long as the operation, do not keep `source` (closures made in one function share one
 * context, which links to the enclosing one), nor with it what made the operation.
 */
function subscribeGuarded<TResult>(
  source: Observable<LroState<TResult>>,
  subscriber: Subscriber<LroState<TResult>>,
  { timeoutInMs, abortSignal, scheduler }: Pick<ResolvedLroOptions<TResult>, "timeoutInMs" | "abortSignal" | "scheduler">,
): Subscription {
  let last: LroState<TResult> | undefined;
  const subscription = new Subscription();
  if (abortSignal !== undefined) {
    const reason = () => (abortSignal as { reason?: unknown }).reason;
    if (abortSignal.aborted) {
      subscriber.error(new LroAbortedError(undefined, reason()));
      return subscription;
    }
    const onAbort = () => subscriber.error(new LroAbortedError(last, reason()));
    abortSignal.addEventListener("abort", onAbort);
    subscription.add(() => abortSignal.removeEventListener("abort", onAbort));
  }
  if (timeoutInMs !== undefined) {
    subscription.add(scheduler.schedule(() => subscriber.error(new LroTimeoutError(timeoutInMs, last)), timeoutInMs));
  }
  subscription.add(
    source.subscribe({
      next: (state) => {
        last = state;
        subscriber.next(state);
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => subscriber.complete(),
    }),
  );
  return subscription;
}
