import {
  assertInInjectionContext,
  DestroyRef,
  effect,
  inject,
  Injector,
  NgZone,
  type Signal,
  signal,
  untracked,
} from "@angular/core";
import type { LroErrorDetail, LroState, LroStatus } from "rx-lro";
import { isObservable, type Observable, type Subscription } from "rxjs";
import { inAngularZone } from "./zone.js";

/** What {@link lroState} shows: the latest state, or the error that ended the stream, as a value. */
export interface LroView<T = unknown> {
  /** `"idle"` before any source or state; `"error"` when the stream errored; else the latest state's status. */
  readonly status: LroStatus | "idle" | "error";
  /** The latest state (kept after an error: the last state seen). */
  readonly state: LroState<T> | undefined;
  /** The stream's error: an `LroError` when rx-lro raised it (initial 4xx, bad response, URL refused, timeout, …). */
  readonly error: Error | undefined;
  /** What to show the user: the service's error message for a failed or canceled operation or an error, else undefined. */
  readonly errorMessage: string | undefined;
}

const idle: LroView<never> = Object.freeze({ status: "idle", state: undefined, error: undefined, errorMessage: undefined });

function stateView<T>(state: LroState<T>): LroView<T> {
  const errorMessage =
    state.status === "failed" || state.status === "canceled" ? (state.error?.message ?? `The operation ${state.status === "failed" ? "failed" : "was canceled"} (${state.providerStatus}).`) : undefined;
  return { status: state.status, state, error: undefined, errorMessage };
}

function errorView<T>(error: unknown, state: LroState<T> | undefined): LroView<T> {
  const failure = error instanceof Error ? error : new Error(String(error));
  // An LroBadStatusError carries the service's own error object: its message is the one to show.
  const detail = (failure as { error?: Partial<LroErrorDetail> }).error;
  const errorMessage = typeof detail?.message === "string" && detail.message !== "" ? detail.message : failure.message;
  return { status: "error", state, error: failure, errorMessage };
}

/** Options of {@link lroState}. */
export interface LroStateOptions {
  /** The injector to use outside an injection context (its `DestroyRef` ends the subscription). */
  readonly injector?: Injector;
}

/**
 * The latest state of an LRO stream as a signal that never throws on read: an error that ends
 * the stream (an initial 4xx, a malformed response, a refused URL, a timeout) becomes a view
 * with `status: "error"` and the message to show, so a template can render every outcome
 * (`failed` and `canceled` included). `source` is a stream, or a reactive function returning
 * one (or `undefined` for nothing yet): when the signals it reads change, the previous stream is
 * unsubscribed (its request aborted; the operation goes on on the service) and the new one
 * followed, from `idle`. The subscription ends with the injection context's `DestroyRef` (or
 * `options.injector`'s). Streams are subscribed outside the Angular zone; each state enters
 * it once.
 *
 * @example
 * ```ts
 * @Component({
 *   template: `
 *     @switch (view().status) {
 *       @case ("running") { <progress [value]="view().state?.percentComplete ?? 0" max="100"></progress> }
 *       @case ("succeeded") { Created. }
 *       @case ("idle") {}
 *       @default { {{ view().errorMessage }} }
 *     }`,
 * })
 * export class WidgetStatus {
 *   readonly token = input<string>();
 *   readonly #lro = inject(LroService);
 *   readonly view = lroState(() => {
 *     const token = this.token();
 *     return token === undefined ? undefined : this.#lro.resume<Widget>(token);
 *   });
 * }
 * ```
 */
export function lroState<T = unknown>(
  source: Observable<LroState<T>> | (() => Observable<LroState<T>> | undefined),
  options: LroStateOptions = {},
): Signal<LroView<T>> {
  if (!isObservable(source) && typeof source !== "function") {
    throw new TypeError(`Expected \`source\` to be an Observable of LRO states or a function returning one, got ${source === null ? "null" : typeof source}`);
  }
  if (options.injector === undefined) assertInInjectionContext(lroState);
  const injector = options.injector ?? inject(Injector);
  const zone = injector.get(NgZone);
  const view = signal<LroView<T>>(idle);
  let subscription: Subscription | undefined;
  const follow = (states$: Observable<LroState<T>> | undefined) => {
    subscription?.unsubscribe();
    subscription = undefined;
    view.set(idle);
    if (states$ === undefined) return;
    if (!isObservable(states$)) {
      view.set(errorView(new TypeError(`Expected the \`source\` function to return an Observable of LRO states or undefined, got ${states$ === null ? "null" : typeof states$}`), undefined));
      return;
    }
    let latest: LroState<T> | undefined;
    subscription = inAngularZone(zone, states$).subscribe({
      next: (state) => {
        latest = state;
        view.set(stateView(state));
      },
      error: (error: unknown) => view.set(errorView(error, latest)),
    });
  };
  if (isObservable(source)) {
    follow(source);
  } else {
    effect(
      () => {
        let next: Observable<LroState<T>> | undefined;
        try {
          next = source();
        } catch (error) {
          untracked(() => {
            follow(undefined);
            view.set(errorView(error, undefined));
          });
          return;
        }
        untracked(() => follow(next));
      },
      { injector },
    );
  }
  injector.get(DestroyRef).onDestroy(() => subscription?.unsubscribe());
  return view.asReadonly();
}
