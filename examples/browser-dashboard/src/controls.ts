/**
 * The control panel: which operation kind was asked for, how many, and with which server knobs.
 * @module
 */
import { filter, fromEvent, map, type Observable } from "rxjs";
import { operationKinds, type HeaderModel, type Knobs, type OperationKind, type Outcome } from "./arm.js";
import { byId } from "./dom.js";

/** What the form asks for. */
export interface StartRequestForm {
  /** How many operations to start, 1 to 50. */
  readonly count: number;
  readonly knobs: Knobs;
}

function clampInteger(value: string, min: number, max: number, fallback: number): number {
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? Math.min(max, Math.max(min, parsed)) : fallback;
}

/** Reads the form now. */
export function readForm(): StartRequestForm {
  return {
    count: clampInteger(byId<HTMLInputElement>("count").value, 1, 50, 1),
    knobs: {
      durationMs: clampInteger(byId<HTMLInputElement>("duration").value, 1, 120, 4) * 1000,
      retryAfterSeconds: 1,
      outcome: byId<HTMLSelectElement>("outcome").value as Outcome,
      headerModel: byId<HTMLSelectElement>("headers").value as HeaderModel,
    },
  };
}

const isKind = (value: string | undefined): value is OperationKind => operationKinds.some((kind) => kind === value);

/** The kinds asked for, one per click on a start button (`<button data-kind="…">` in `#start`). */
export function kindClicks(): Observable<OperationKind> {
  return fromEvent<MouseEvent>(byId("start"), "click").pipe(
    map((event) => (event.target instanceof Element ? event.target.closest<HTMLElement>("button[data-kind]")?.dataset.kind : undefined)),
    filter(isKind),
  );
}

/** Clicks on "Clear finished". */
export function clearClicks(): Observable<unknown> {
  return fromEvent(byId("clear"), "click");
}
