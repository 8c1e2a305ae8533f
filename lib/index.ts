export { beginLro, type BeginLroOptions, type LroRequest } from "./begin-lro.js";
export { pollLro } from "./poll-lro.js";
export { resumeLro } from "./resume-lro.js";
export { lroResult } from "./lro-result.js";
export { armPolling } from "./presets/arm-polling.js";
export { lroPolling } from "./presets/lro-polling.js";
export { azureAsyncOperationPolling } from "./operators/azure-async-operation-polling.js";
export { operationLocationPolling } from "./operators/operation-location-polling.js";
export { locationPolling } from "./operators/location-polling.js";
export { bodyContentPolling } from "./operators/body-content-polling.js";
export { statusCheckPolling } from "./operators/status-check-polling.js";
export type { LroPollingOperator } from "./engine/polling-operator.js";
export type { LroAbortSignal, LroOptions, LroRetryOptions } from "./options.js";
export {
  isTerminalState,
  isTerminalStatus,
  statusFromWord,
  type FinalStateVia,
  type LroCanceledState,
  type LroErrorDetail,
  type LroFailedState,
  type LroRunningState,
  type LroState,
  type LroStateBase,
  type LroStatus,
  type LroStrategyName,
  type LroSucceededState,
  type LroTerminalState,
  type LroTerminalStatus,
} from "./state.js";
export {
  LroAbortedError,
  LroBadResponseError,
  LroBadStatusError,
  LroCanceledError,
  LroError,
  LroFailedError,
  LroRequestError,
  LroTimeoutError,
  LroUrlRejectedError,
} from "./errors/index.js";
export { createLroHub, type LroHub, type LroHubBeginOptions, type LroHubOptions, type LroSummary } from "./hub/create-lro-hub.js";
export type { LroPollingTarget, LroWatchTarget } from "./hub/watch-target.js";
export { fromPoller, type LroBridgedState, type SdkPollerLike } from "./interop/from-poller.js";
export { toCoreLroState } from "./interop/core-lro-state.js";
