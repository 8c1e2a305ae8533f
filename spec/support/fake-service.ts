// The specs' names for the public fake service (rx-lro/testing): `on` for `reply`, and a compact log.
import type { SchedulerLike } from "rxjs";
import type { TestScheduler } from "rxjs/testing";
import { FakeLroServiceImpl } from "../../lib/testing/fake-lro-service.js";
import type { FakeReply, FakeRequest } from "../../lib/testing/index.js";
import { virtualScheduler } from "./virtual-time.js";

export type { FakeReply, FakeRequest as ReceivedRequest };

/** The public fake service with raw routes as `on(method, url, ...replies)`. */
export class FakeService extends FakeLroServiceImpl {
  constructor(scheduler: SchedulerLike) {
    super({ scheduler });
  }

  on(method: string, url: string, ...replies: FakeReply[]): this {
    return this.reply(method, url, ...(replies as [FakeReply, ...FakeReply[]]));
  }

  /** `"METHOD url @time"` for every request received, for compact assertions. */
  get log(): string[] {
    return this.requests.map((request) => `${request.method} ${request.url} @${request.at}`);
  }
}

/** A fake service on a fresh virtual-time scheduler: what the unit specs start from. */
export function virtualService(): { scheduler: TestScheduler; service: FakeService } {
  const scheduler = virtualScheduler();
  return { scheduler, service: new FakeService(scheduler) };
}
