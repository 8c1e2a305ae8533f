export { fromAngularHttpClient } from "./angular-http-client.js";
export { lroState, type LroStateOptions, type LroView } from "./lro-state.js";
export { LroService, type LroDroppedToken, type LroOperationEntry, type LroRestoreReport, type LroTrackOptions } from "./lro-service.js";
export { provideRxLro, withAngularHttpClient, withPersistence, withPipeline } from "./provide-rx-lro.js";
export type { LroTokenStorage, RxLroConfig, RxLroDefaults, RxLroFeature, RxLroFeatureKind } from "./tokens.js";
