import type { SchedulerLike, Subscription } from "rxjs";

/** A deadline in a {@link DeadlineQueue}: one per guarded client, set again for each exchange. */
export class Deadline {
  /** When it falls due, on the queue's scheduler clock. */
  due = 0;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  queued = false;

  constructor(readonly expire: () => void) {}
}

const queues = new WeakMap<SchedulerLike, Map<number, DeadlineQueue>>();

/**
 * Request deadlines of one length on one scheduler. Set one after another, they fall due in the
 * order they were set, so one list and one scheduled action serve them all: setting or clearing
 * a deadline is a few pointer moves, where a scheduled action per request cost a `setInterval`
 * and a `clearInterval` on RxJS's `asyncScheduler` (and garbage) for a timer that almost never
 * fires. The action is aimed at the first deadline; when it fires it expires what is due and
 * aims at the next one. Nothing stays scheduled while no deadline is set. A deadline set earlier
 * than the last one (the clock went back) is put in its place, so none expires late.
 */
export class DeadlineQueue {
  #head: Deadline | undefined;
  #tail: Deadline | undefined;
  #action: Subscription | undefined;
  #aimedAt = Number.POSITIVE_INFINITY;

  private constructor(
    readonly scheduler: SchedulerLike,
    readonly lengthInMs: number,
  ) {}

  /** The queue of deadlines of `lengthInMs` on `scheduler` (made on first use). */
  static for(scheduler: SchedulerLike, lengthInMs: number): DeadlineQueue {
    let byLength = queues.get(scheduler);
    if (byLength === undefined) queues.set(scheduler, (byLength = new Map()));
    let queue = byLength.get(lengthInMs);
    if (queue === undefined) byLength.set(lengthInMs, (queue = new DeadlineQueue(scheduler, lengthInMs)));
    return queue;
  }

  /** Sets `deadline` to fall due `lengthInMs` from now (clearing it first if it was set). */
  set(deadline: Deadline): void {
    if (deadline.queued) this.clear(deadline);
    deadline.due = this.scheduler.now() + this.lengthInMs;
    let before = this.#tail;
    while (before !== undefined && before.due > deadline.due) before = before.prev;
    deadline.prev = before;
    deadline.next = before === undefined ? this.#head : before.next;
    if (deadline.next === undefined) this.#tail = deadline;
    else deadline.next.prev = deadline;
    if (before === undefined) this.#head = deadline;
    else before.next = deadline;
    deadline.queued = true;
    if (this.#head === deadline) this.#aim();
  }

  /** Clears `deadline`; nothing happens if it is not set. */
  clear(deadline: Deadline): void {
    if (!deadline.queued) return;
    const { prev, next } = deadline;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    deadline.prev = deadline.next = undefined;
    deadline.queued = false;
    // An emptied queue leaves no timer behind; otherwise the action fires early and re-aims.
    if (this.#head === undefined) this.#stop();
  }

  #stop(): void {
    this.#action?.unsubscribe();
    this.#action = undefined;
    this.#aimedAt = Number.POSITIVE_INFINITY;
  }

  #aim(): void {
    const head = this.#head;
    if (head === undefined) return this.#stop();
    if (this.#action !== undefined && this.#aimedAt <= head.due) return;
    this.#action?.unsubscribe();
    this.#aimedAt = head.due;
    this.#action = this.scheduler.schedule(this.#fire, Math.max(0, head.due - this.scheduler.now()));
  }

  readonly #fire = (): void => {
    this.#action = undefined;
    this.#aimedAt = Number.POSITIVE_INFINITY;
    const now = this.scheduler.now();
    let head = this.#head;
    while (head !== undefined && head.due <= now) {
      this.clear(head);
      head.expire();
      head = this.#head;
    }
    this.#aim();
  };
}
