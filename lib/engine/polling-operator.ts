import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { type Observable, type OperatorFunction, switchMap, throwError } from "rxjs";
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
  const operator = (source: Observable<PipelineResponse>) => source.pipe(switchMap(follow), guardOperation(resolved));
  return Object.assign(operator, {
    pollingName,
    canPoll,
    withDefaults: (defaults: LroOptions<TResult>) => createPollingOperator(strategies, pollingName, mergeOptions(options, defaults)),
  });
}
