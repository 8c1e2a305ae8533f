import { InjectionToken, type Provider } from "@angular/core";
import type { HttpClient, Pipeline } from "@azure/core-rest-pipeline";
import type { LroHubOptions, LroOptions } from "rx-lro";
import type { SchedulerLike } from "rxjs";

/** What every operation begun, resumed or watched through `LroService` defaults to. */
export type RxLroDefaults = Omit<LroOptions, "pipeline" | "httpClient" | "scheduler" | "abortSignal" | "processResult" | "allowedHosts">;

/** The configuration of {@link provideRxLro}. All optional. */
export interface RxLroConfig {
  /** Defaults for every operation begun, resumed or watched through `LroService` (`intervalInMs`, `timeoutInMs`, `retry`, …). */
  readonly defaults?: RxLroDefaults;
  /** The root hub's sharing options. */
  readonly hub?: Pick<LroHubOptions, "maxConcurrentPolls" | "pauseWhenHidden" | "intervalJitter">;
  /**
   * Hosts the app vouches for, besides each operation's own (`host`, `host:port`, `*.suffix`):
   * where polling and result URLs may point, and where a resumed token (a persisted one
   * included) may lead. Passed to rx-lro as `allowedHosts`.
   */
  readonly allowedHosts?: readonly string[];
  /** The scheduler for every timer: a `TestScheduler` in tests. @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
}

/** The kinds of {@link RxLroFeature}. */
export type RxLroFeatureKind = "transport" | "persistence";

/** An optional part of {@link provideRxLro}: a transport (`withAngularHttpClient`, `withPipeline`) or `withPersistence`. */
export interface RxLroFeature<Kind extends RxLroFeatureKind = RxLroFeatureKind> {
  /** What the feature configures: at most one of each kind per `provideRxLro`. */
  readonly kind: Kind;
  /** The providers it adds. */
  readonly providers: readonly Provider[];
}

/** Where requests go. @internal */
export interface RxLroTransport {
  readonly pipeline: Pipeline;
  readonly httpClient?: HttpClient;
}

/** The storage persisted tokens go to: `localStorage`, `sessionStorage`, or anything shaped like them. */
export type LroTokenStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** @internal */
export interface RxLroPersistence {
  readonly storage: () => LroTokenStorage;
  readonly key: string;
}

/** @internal */
export const RX_LRO_CONFIG = new InjectionToken<RxLroConfig>("RX_LRO_CONFIG");
/** @internal */
export const RX_LRO_TRANSPORT = new InjectionToken<RxLroTransport>("RX_LRO_TRANSPORT");
/** @internal */
export const RX_LRO_PERSISTENCE = new InjectionToken<RxLroPersistence>("RX_LRO_PERSISTENCE");
