import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { Observable, type OperatorFunction, type Subscriber, Subscription, type TeardownLogic, throwError } from "rxjs";
import { LroBadResponseError } from "../errors/lro-bad-response-error.js";
import { mergeOptions, resolveOptions, type LroOptions } from "../options.js";
import type { LroState } from "../state.js";
import type { PollingStrategy } from "../strategies/strategy.js";
import { followInitialResponse } from "./follow-operation.js";
import { guardOperation } from "./guard.js";

/**
 * An operator from an operation's initial response to its states, as one polling algorithm (or
 * a preset choosing among several) follows it. Pipe a response into it, or hand it to
 * `beginLro`/`pollLro` as `polling`.
 */
export interface LroPollingOperator<TResult = unknown> extends OperatorFunction<PipelineResponse, LroState<TResult>> {
  /** The algorithm's name, or the preset's (`"arm"`, `"lro"`). */
  readonly pollingName: string;
  /** Whether this operator can follow an operation that started with this response. */
  canPoll(initial: PipelineResponse): boolean;
  /**
   * The same operator with `defaults` under its own options (its own settings win). This is how
   * `beginLro` passes its pipeline, scheduler and the rest down to `polling`.
   */
  withDefaults(defaults: LroOptions<TResult>): LroPollingOperator<TResult>;
}

/**
 * `switchMap(follow)`, without what switchMap keeps: its inner subscriber closes over the outer
 * value (for the deprecated result selector), so every followed operation held its initial
 * response (request, headers, body, abort signal) until it ended. Each new initial response
 * switches to following it; completes when the source has and the operation it follows has.
 */
function switchToStates<TResult>(
  follow: (initial: PipelineResponse) => Observable<LroState<TResult>>,
): OperatorFunction<PipelineResponse, LroState<TResult>> {
  return (source) => new Observable<LroState<TResult>>((subscriber) => subscribeSwitching(source, follow, subscriber));
}

/**
 * The subscription of {@link switchToStates}. A function of its own, so that the closures that
 * live as long as the operation (closures made in one function share one context, which links
 * to the enclosing one) keep neither the source nor, once the source is done, `follow`: with
 * them went the initial request, its options and the operator's merged options.
 */
function subscribeSwitching<TResult>(
  source: Observable<PipelineResponse>,
  follow: (initial: PipelineResponse) => Observable<LroState<TResult>>,
  subscriber: Subscriber<LroState<TResult>>,
): TeardownLogic {
  let following: typeof follow | undefined = follow;
  let inner: Subscription | undefined;
  let outer: Subscription | undefined;
  let innerActive = false;
  let sourceDone = false;
  outer = source.subscribe({
    next: (initial) => {
      if (following === undefined) return;
      inner?.unsubscribe();
      // In place before subscribing: the subscriber may leave during the first state, which
      // is emitted synchronously; adding to a closed Subscription unsubscribes at once.
      const current = (inner = new Subscription());
      innerActive = true;
      current.add(
        following(initial).subscribe({
          next: (state) => subscriber.next(state),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            innerActive = false;
            if (sourceDone) subscriber.complete();
          },
        }),
      );
    },
    error: (error: unknown) => subscriber.error(error),
    complete: () => {
      sourceDone = true;
      following = undefined;
      outer = undefined;
      if (!innerActive) subscriber.complete();
    },
  });
  return () => {
    outer?.unsubscribe();
    inner?.unsubscribe();
  };
}

/**
 * Builds the operator for a list of algorithms tried in order: the first whose `canPoll`
 * accepts the initial response follows it.
 * @internal
 */
export function createPollingOperator<TResult>(
  strategies: readonly PollingStrategy[],
  pollingName: string,
  options: LroOptions<TResult>,
): LroPollingOperator<TResult> {
  const resolved = resolveOptions(options);
  const canPoll = (initial: PipelineResponse) => strategies.some((strategy) => strategy.canPoll(initial));
  const follow = (initial: PipelineResponse): Observable<LroState<TResult>> => {
    const strategy = strategies.find((candidate) => candidate.canPoll(initial));
    if (strategy === undefined) {
      return throwError(
        () =>
          new LroBadResponseError(
            `The initial response to ${initial.request.method} (HTTP ${initial.status}) gives no way to follow the operation: ` +
              `${pollingName} polling found no polling header${initial.status === 202 ? " and no body" : ""} it can use.`,
            { response: initial },
          ),
      );
    }
    return followInitialResponse(strategy, initial, resolved);
  };
  const operator = (source: Observable<PipelineResponse>) => source.pipe(switchToStates(follow), guardOperation(resolved));
  return Object.assign(operator, {
    pollingName,
    canPoll,
    withDefaults: (defaults: LroOptions<TResult>) => createPollingOperator(strategies, pollingName, mergeOptions(options, defaults)),
  });
}
