import { HttpClient as AngularHttpClient } from "@angular/common/http";
import { type EnvironmentProviders, inject, makeEnvironmentProviders, NgZone, type Provider } from "@angular/core";
import type { HttpClient, Pipeline } from "@azure/core-rest-pipeline";
import { createLroHub } from "rx-lro";
import { fromAngularHttpClient } from "./angular-http-client.js";
import { directPipeline } from "./direct-pipeline.js";
import { LroService } from "./lro-service.js";
import {
  type LroTokenStorage,
  RX_LRO_CONFIG,
  RX_LRO_PERSISTENCE,
  RX_LRO_TRANSPORT,
  type RxLroConfig,
  type RxLroFeature,
  type RxLroTransport,
} from "./tokens.js";

function isPipeline(value: unknown): value is Pipeline {
  return typeof value === "object" && value !== null && typeof (value as Pipeline).sendRequest === "function" && typeof (value as Pipeline).addPolicy === "function";
}

/**
 * Sends rx-lro's requests (the initial request, every poll, the final GET) through Angular's
 * `HttpClient`, and so through the app's interceptors: authentication (MSAL's
 * `MsalInterceptor`), retries, logging, and `HttpTestingController` in unit tests. This is the
 * default of {@link provideRxLro}; the app must provide `HttpClient` (`provideHttpClient()`).
 *
 * The core-rest-pipeline pipeline in front of it is empty by default: in an Angular app the
 * interceptors are the pipeline (a second authentication or retry layer would double what they
 * do, and rx-lro retries polls itself, honouring Retry-After). Pass `pipeline` to add policies.
 *
 * @example
 * ```ts
 * import { provideHttpClient, withInterceptors, type HttpInterceptorFn } from "@angular/common/http";
 * import { provideRxLro, withAngularHttpClient } from "rx-lro/angular";
 *
 * declare const authInterceptor: HttpInterceptorFn; // MSAL's, say
 * export const appConfig = {
 *   providers: [
 *     provideHttpClient(withInterceptors([authInterceptor])),
 *     provideRxLro({ allowedHosts: ["localhost:3000"] }, withAngularHttpClient()),
 *   ],
 * };
 * ```
 */
export function withAngularHttpClient(options: { readonly pipeline?: Pipeline } = {}): RxLroFeature<"transport"> {
  if (options.pipeline !== undefined && !isPipeline(options.pipeline)) {
    throw new TypeError("Expected `pipeline` to be a core-rest-pipeline Pipeline (from createEmptyPipeline() or createPipelineFromOptions())");
  }
  return {
    kind: "transport",
    providers: [
      {
        provide: RX_LRO_TRANSPORT,
        useFactory: (): RxLroTransport => ({
          pipeline: options.pipeline ?? directPipeline,
          httpClient: fromAngularHttpClient(inject(AngularHttpClient), inject(NgZone)),
        }),
      },
    ],
  };
}

/**
 * Sends rx-lro's requests through a core-rest-pipeline `Pipeline` instead of Angular's
 * `HttpClient` (bypassing its interceptors): the pipeline your other Azure SDK clients use,
 * with its credential policy. `httpClient` defaults to core-rest-pipeline's own (fetch in a
 * browser).
 *
 * @example
 * ```ts
 * import type { TokenCredential } from "@azure/core-auth";
 * import { bearerTokenAuthenticationPolicy, createPipelineFromOptions } from "@azure/core-rest-pipeline";
 * import { provideRxLro, withPipeline } from "rx-lro/angular";
 *
 * declare const credential: TokenCredential;
 * const pipeline = createPipelineFromOptions({});
 * pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: "https://management.azure.com/.default" }));
 * provideRxLro({}, withPipeline(pipeline));
 * ```
 */
export function withPipeline(pipeline: Pipeline, httpClient?: HttpClient): RxLroFeature<"transport"> {
  if (!isPipeline(pipeline)) {
    throw new TypeError("Expected `pipeline` to be a core-rest-pipeline Pipeline (from createEmptyPipeline() or createPipelineFromOptions())");
  }
  if (httpClient !== undefined && typeof (httpClient as Partial<HttpClient> | null)?.sendRequest !== "function") {
    throw new TypeError("Expected `httpClient` to be a core-rest-pipeline HttpClient (an object with sendRequest)");
  }
  const transport: RxLroTransport = httpClient === undefined ? { pipeline } : { pipeline, httpClient };
  return { kind: "transport", providers: [{ provide: RX_LRO_TRANSPORT, useValue: transport }] };
}

/**
 * Keeps the continuation tokens of unfinished operations in `storage`, so that they survive a
 * reload: each operation on the service's hub is written while it runs and removed once it
 * reaches a terminal state. `LroService.restore()` follows them again, in the browser only,
 * and only to hosts the app allows (a token naming any other host is dropped from storage and
 * reported, never sent). Pass a function when the storage does not exist on the server
 * (`() => localStorage`): it is called in the browser only.
 *
 * @param storage `localStorage`, `sessionStorage`, a function returning one, or any object with `getItem`/`setItem`/`removeItem`.
 * @param options `key`: the storage key. @defaultValue "rx-lro:operations"
 *
 * @example
 * ```ts
 * import { afterNextRender, inject } from "@angular/core";
 * import { LroService, provideRxLro, withPersistence } from "rx-lro/angular";
 *
 * provideRxLro({ allowedHosts: ["localhost:3000"] }, withPersistence(() => localStorage));
 * // in the root component's constructor, after hydration:
 * const lro = inject(LroService);
 * afterNextRender(() => lro.restore());
 * ```
 */
export function withPersistence(storage: LroTokenStorage | (() => LroTokenStorage), options: { readonly key?: string } = {}): RxLroFeature<"persistence"> {
  const isStorage = (value: unknown): value is LroTokenStorage =>
    typeof value === "object" && value !== null && ["getItem", "setItem", "removeItem"].every((name) => typeof (value as Record<string, unknown>)[name] === "function");
  if (typeof storage !== "function" && !isStorage(storage)) {
    throw new TypeError("Expected `storage` to be a Storage (getItem, setItem, removeItem) or a function returning one");
  }
  const key = options.key ?? "rx-lro:operations";
  if (typeof key !== "string" || key === "") throw new TypeError(`Expected \`key\` to be a non-empty string, got ${JSON.stringify(key)}`);
  const resolve = (): LroTokenStorage => {
    const resolved = typeof storage === "function" ? storage() : storage;
    if (!isStorage(resolved)) throw new TypeError("Expected the `storage` function to return a Storage (getItem, setItem, removeItem)");
    return resolved;
  };
  return { kind: "persistence", providers: [{ provide: RX_LRO_PERSISTENCE, useValue: { storage: resolve, key } }] };
}

/**
 * Sets up rx-lro for an Angular app: the transport (Angular's `HttpClient` unless a feature
 * says otherwise), defaults for every operation, the root hub's options, the hosts the app
 * vouches for, and optional persistence. It provides {@link LroService}. Options are checked
 * here, at the call: a bad one throws a `TypeError` naming it.
 *
 * On the server (SSR) nothing is sent: `LroService`'s streams stay silent, and the browser
 * begins or resumes after hydration.
 *
 * @param config Defaults, hub options, `allowedHosts`, `scheduler`.
 * @param features At most one transport (`withAngularHttpClient()`, the default, or `withPipeline()`) and `withPersistence()`.
 *
 * @example
 * ```ts
 * import { provideHttpClient, withFetch, withInterceptors, type HttpInterceptorFn } from "@angular/common/http";
 * import type { ApplicationConfig } from "@angular/core";
 * import { provideRxLro, withPersistence } from "rx-lro/angular";
 *
 * declare const authInterceptor: HttpInterceptorFn;
 * export const appConfig: ApplicationConfig = {
 *   providers: [
 *     provideHttpClient(withFetch(), withInterceptors([authInterceptor])),
 *     provideRxLro(
 *       { defaults: { intervalInMs: 1000 }, hub: { maxConcurrentPolls: 4 }, allowedHosts: ["localhost:3000"] },
 *       withPersistence(() => localStorage),
 *     ),
 *   ],
 * };
 * ```
 */
export function provideRxLro(config: RxLroConfig = {}, ...features: RxLroFeature[]): EnvironmentProviders {
  if (config === null || typeof config !== "object") throw new TypeError(`Expected \`config\` to be an object, got ${config === null ? "null" : typeof config}`);
  // The same checks rx-lro makes, at this call rather than when the service is first injected.
  createLroHub({ ...config.defaults, ...config.hub, ...(config.allowedHosts === undefined ? {} : { allowedHosts: config.allowedHosts }), pauseWhenHidden: false });
  const counts = { transport: 0, persistence: 0 };
  for (const [index, feature] of features.entries()) {
    if (feature === null || typeof feature !== "object" || !(feature.kind in counts) || !Array.isArray(feature.providers)) {
      throw new TypeError(`Expected feature ${index + 1} of provideRxLro to come from withAngularHttpClient(), withPipeline() or withPersistence()`);
    }
    if (++counts[feature.kind] > 1) throw new TypeError(`Expected at most one ${feature.kind} feature in provideRxLro, got ${counts[feature.kind]}`);
  }
  const providers: Provider[] = [{ provide: RX_LRO_CONFIG, useValue: config }, { provide: LroService, useFactory: () => new LroService() }];
  if (counts.transport === 0) providers.push(...withAngularHttpClient().providers);
  for (const feature of features) providers.push(...feature.providers);
  return makeEnvironmentProviders(providers);
}
