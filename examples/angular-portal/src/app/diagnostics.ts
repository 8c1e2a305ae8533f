import { afterEveryRender, ApplicationRef, inject, provideAppInitializer, type EnvironmentProviders } from "@angular/core";
import { changeDetectionMode } from "./change-detection";

/**
 * What the end-to-end suite reads from the running app (`window.portalDiagnostics`): how many
 * change-detection passes rendered the app so far, and whether `ApplicationRef.isStable` is true
 * right now. Nothing in the app reads it.
 */
export interface PortalDiagnostics {
  readonly mode: "zone" | "zoneless";
  /** Change-detection passes that checked views (each runs the `afterEveryRender` hooks once). */
  readonly renders: number;
  readonly stable: boolean;
  /** How many times `isStable` turned true after the app first became stable. */
  readonly stableTransitions: number;
}

declare global {
  interface Window {
    portalDiagnostics?: PortalDiagnostics;
  }
}

/** Counts change-detection passes and follows `isStable` for the e2e suite. */
export function provideDiagnostics(): EnvironmentProviders {
  return provideAppInitializer(() => {
    if (typeof window === "undefined") return;
    const appRef = inject(ApplicationRef);
    let renders = 0;
    let stable = false;
    let stableTransitions = 0;
    afterEveryRender(() => {
      renders++;
    });
    appRef.isStable.subscribe((value) => {
      if (value && !stable) stableTransitions++;
      stable = value;
    });
    window.portalDiagnostics = {
      mode: changeDetectionMode,
      get renders() {
        return renders;
      },
      get stable() {
        return stable;
      },
      get stableTransitions() {
        return stableTransitions;
      },
    };
  });
}
