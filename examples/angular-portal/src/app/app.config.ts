import { provideHttpClient, withFetch } from "@angular/common/http";
import { inject, provideAppInitializer, type ApplicationConfig } from "@angular/core";
import { provideRouter, withComponentInputBinding } from "@angular/router";
import { LroService, provideRxLro, withAngularHttpClient, withPersistence } from "rx-lro/angular";
import { apiHost, ARM_API, armApiFor } from "./arm-api";
import { routes } from "./app.routes";
import { provideChangeDetection } from "./change-detection";
import { provideDiagnostics } from "./diagnostics";

const api = armApiFor(globalThis.location?.href ?? "http://127.0.0.1/");

export const appConfig: ApplicationConfig = {
  providers: [
    provideChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withFetch()),
    { provide: ARM_API, useValue: api },
    provideRxLro(
      // The embedded server answers Retry-After: 1; the fallback interval is for services that do not.
      { defaults: { intervalInMs: 1000 }, allowedHosts: [apiHost(api)] },
      withAngularHttpClient(),
      withPersistence(() => localStorage, { key: "portal:operations" }),
    ),
    // Operations that were running when the page was left go on where they were.
    provideAppInitializer(() => {
      inject(LroService).restore();
    }),
    provideDiagnostics(),
  ],
};
