import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Observable, type OperatorFunction, type Subscriber } from "rxjs";

/**
 * Runs a full garbage collection, after the current job (a `WeakRef` read in it keeps its target
 * until it ends). Vitest's workers run without `--expose-gc`; the flag can be set at run time.
 */
export async function collectGarbage(): Promise<void> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
}

/** A source that keeps `made` (as beginLro's keeps its request and options) and never ends. */
function sourceKeeping<T>(made: object, running: Subscriber<T>[]): Observable<T> {
  return new Observable<T>((subscriber) => {
    void made;
    running.push(subscriber);
  });
}

/**
 * Whether `operator`, subscribed on a running source that keeps what made it, lets go of that
 * while the subscription lasts: it must not keep its source once it has subscribed to it.
 */
export async function releasesWhatMadeItsSource<T, R>(operator: OperatorFunction<T, R>): Promise<boolean> {
  const running: Subscriber<T>[] = [];
  let made: object | undefined = { request: "PUT …", options: {} };
  const madeRef = new WeakRef(made);
  let source: Observable<T> | undefined = sourceKeeping(made, running);
  const subscription = source.pipe(operator).subscribe();
  source = made = undefined;
  await collectGarbage();
  const released = running.length === 1 && !subscription.closed && madeRef.deref() === undefined;
  subscription.unsubscribe();
  return released;
}
