import { distinctUntilChanged, fromEvent, map, type Observable, of, shareReplay, startWith } from "rxjs";

let hidden$: Observable<boolean> | undefined;

/**
 * Whether the page is hidden (`document.visibilityState`), from one `visibilitychange` listener
 * shared by every hub, held only while something listens. Outside a browser (Node, SSR, workers)
 * the page is never hidden and `document` is never touched.
 */
export function pageHidden$(): Observable<boolean> {
  if (typeof document === "undefined" || typeof document.addEventListener !== "function") return of(false);
  return (hidden$ ??= fromEvent(document, "visibilitychange").pipe(
    startWith(undefined),
    map(() => document.visibilityState === "hidden"),
    distinctUntilChanged(),
    shareReplay({ bufferSize: 1, refCount: true }),
  ));
}
