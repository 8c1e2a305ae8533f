// The specs' names for the public virtual-time helpers (rx-lro/testing).
import type { TestScheduler } from "rxjs/testing";
import { createLroTestScheduler } from "../../lib/testing/index.js";

export {
  advanceVirtualTime as advance,
  advanceVirtualTimeTo as advanceTo,
  recordLro as record,
  runLro as runToEnd,
  type LroRecording as Recording,
} from "../../lib/testing/index.js";

/** A `TestScheduler` driven by hand (the specs never use `run` mode). */
export function virtualScheduler(): TestScheduler {
  return createLroTestScheduler();
}
