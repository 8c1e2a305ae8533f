import { provideZonelessChangeDetection, type EnvironmentProviders } from "@angular/core";

/**
 * How this build detects changes. The default build is zoneless; the `zone` build configuration
 * (angular.json) swaps this file for change-detection.zone.ts and loads zone.js.
 */
export const changeDetectionMode: "zone" | "zoneless" = "zoneless";

export function provideChangeDetection(): EnvironmentProviders {
  return provideZonelessChangeDetection();
}
