import type { SchedulerLike, Subscription } from "rxjs";

/**
 * A timer that shares its scheduled action with every other timer of the same length on the
 * same scheduler (see {@link TimerQueue}). Made once and started again for each wait: a request's
 * deadline, the wait before a poll.
 */
export class Timer {
  /** When it falls due, on its queue's scheduler clock. */
  due = 0;
  /** The order it was started in, in its queue. */
  sequence = 0;
  prev: Timer | undefined;
  next: Timer | undefined;
  /** The queue it waits in; undefined while it is not running. */
  queue: TimerQueue | undefined;

  constructor(readonly fire: () => void) {}

  /** Starts the timer to fire `delayInMs` from now on `scheduler`, stopping it first if it runs. */
  start(scheduler: SchedulerLike, delayInMs: number): void {
    this.queue?.remove(this);
    TimerQueue.for(scheduler, delayInMs).add(this);
  }

  /** Stops the timer; nothing happens if it is not running. */
  stop(): void {
    this.queue?.remove(this);
  }
}

const queues = new WeakMap<SchedulerLike, Map<number, TimerQueue>>();

/**
 * The running timers of one length on one scheduler. Started one after another, they fall due
 * in the order they were started, so one list and one scheduled action serve them all: starting
 * or stopping a timer is a few pointer moves, where a scheduled action per wait cost a
 * `setInterval` and a `clearInterval` on RxJS's `asyncScheduler`, with their garbage. The action
 * is aimed at the first timer; when it fires it fires what is due and aims at the next one.
 * Nothing stays scheduled, and the queue is let go of, while no timer runs. A timer started for
 * earlier than the last one (the clock went back) is put in its place, so none fires late; one
 * started while the queue fires waits for the next turn, even if it is due at once, as its own
 * action would.
 */
export class TimerQueue {
  #head: Timer | undefined;
  #tail: Timer | undefined;
  #action: Subscription | undefined;
  #aimedAt = Number.POSITIVE_INFINITY;
  #started = 0;

  private constructor(
    readonly scheduler: SchedulerLike,
    readonly lengthInMs: number,
  ) {}

  /** The queue of timers of `lengthInMs` on `scheduler` (made when a timer first needs it). */
  static for(scheduler: SchedulerLike, lengthInMs: number): TimerQueue {
    let byLength = queues.get(scheduler);
    if (byLength === undefined) queues.set(scheduler, (byLength = new Map()));
    let queue = byLength.get(lengthInMs);
    if (queue === undefined) byLength.set(lengthInMs, (queue = new TimerQueue(scheduler, lengthInMs)));
    return queue;
  }

  /** Adds a stopped `timer`, to fall due `lengthInMs` from now. */
  add(timer: Timer): void {
    timer.due = this.scheduler.now() + this.lengthInMs;
    timer.sequence = ++this.#started;
    let before = this.#tail;
    while (before !== undefined && before.due > timer.due) before = before.prev;
    timer.prev = before;
    timer.next = before === undefined ? this.#head : before.next;
    if (timer.next === undefined) this.#tail = timer;
    else timer.next.prev = timer;
    if (before === undefined) this.#head = timer;
    else before.next = timer;
    timer.queue = this;
    if (this.#head === timer) this.#aim();
  }

  /** Removes `timer`, which is in this queue. */
  remove(timer: Timer): void {
    const { prev, next } = timer;
    if (prev === undefined) this.#head = next;
    else prev.next = next;
    if (next === undefined) this.#tail = prev;
    else next.prev = prev;
    timer.prev = timer.next = timer.queue = undefined;
    // An emptied queue leaves no action behind; otherwise the action fires early and re-aims.
    if (this.#head === undefined) this.#stop();
  }

  #stop(): void {
    this.#action?.unsubscribe();
    this.#action = undefined;
    this.#aimedAt = Number.POSITIVE_INFINITY;
    // Lengths come from responses (Retry-After): a queue per length ever seen would only grow.
    queues.get(this.scheduler)?.delete(this.lengthInMs);
  }

  #aim(): void {
    const head = this.#head;
    if (head === undefined) return this.#stop();
    if (this.#action !== undefined && this.#aimedAt <= head.due) return;
    this.#action?.unsubscribe();
    this.#aimedAt = head.due;
    this.#action = this.scheduler.schedule(TimerQueue.#fire, Math.max(0, head.due - this.scheduler.now()), this);
  }

  /** The work of the queue's action, scheduled with the queue as its state. */
  static readonly #fire = (queue?: TimerQueue): void => queue!.#fireDue();

  #fireDue(): void {
    this.#action = undefined;
    this.#aimedAt = Number.POSITIVE_INFINITY;
    const now = this.scheduler.now();
    const last = this.#started;
    let head = this.#head;
    while (head !== undefined && head.due <= now && head.sequence <= last) {
      this.remove(head);
      head.fire();
      head = this.#head;
    }
    // Emptied, it has stopped; a timer started meanwhile has re-aimed it.
    if (this.#head !== undefined && this.#action === undefined) this.#aim();
  }
}
