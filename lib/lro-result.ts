import { filter, map, type OperatorFunction } from "rxjs";
import { LroCanceledError } from "./errors/lro-canceled-error.js";
import { LroFailedError } from "./errors/lro-failed-error.js";
import { isTerminalState, type LroState } from "./state.js";

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
  return (source) =>
    source.pipe(
      filter(isTerminalState),
      map((state) => {
        switch (state.status) {
          case "succeeded":
            return state.result;
          case "failed":
            throw new LroFailedError(state);
          default:
            throw new LroCanceledError(state);
        }
      }),
    );
}
