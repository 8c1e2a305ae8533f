import { provideZoneChangeDetection, type EnvironmentProviders } from "@angular/core";

/** The zone.js build's change detection (see change-detection.ts). */
export const changeDetectionMode: "zone" | "zoneless" = "zone";

export function provideChangeDetection(): EnvironmentProviders {
  return provideZoneChangeDetection({ eventCoalescing: true });
}
