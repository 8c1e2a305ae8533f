// rx-lro/testing: a scripted fake Azure service and virtual-time helpers for the unit tests of
// apps that use rx-lro, whatever their test framework.
export {
  createFakeLroService,
  type FakeLroService,
  type FakeLroServiceClientOptions,
  type FakeLroServiceOptions,
} from "./fake-lro-service.js";
export type { FakeReply, FakeRequest } from "./fake-transport.js";
export type { FakeLroInitialError, FakeLroPattern, FakeLroScript, FakeLroStep } from "./lro-script.js";
export {
  advanceVirtualTime,
  advanceVirtualTimeTo,
  createLroTestScheduler,
  recordLro,
  runLro,
  type LroRecording,
} from "./virtual-time.js";
export { lroMarbles, type LroMarblesOptions } from "./lro-marbles.js";
