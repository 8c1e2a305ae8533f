/**
 * The server's own record of what it was asked: every request (bounded logs), exact counters
 * per operation and in total, and the snapshots `server.stats()`, `server.operations()` and
 * `/_admin/*` hand out. Tests of clients read it to check what a client really sent, e.g.
 * whether an unsubscribed stream stopped polling.
 * @module
 */
import type { WireFault } from "./hooks.js";
import type { LroHeaderModel, OperationKind } from "./options.js";
import {
  isTerminal,
  maxPollTimes,
  operationUrls,
  phaseAt,
  type Operation,
  type OperationStatus,
  type OperationStore,
} from "./operations.js";

/** What a request was, as the server classified it. */
export type RequestKind =
  /** PUT/PATCH/DELETE of a widget, or POST of an action: a request that may start an operation. */
  | "initial"
  /** GET of an operation status resource (the Azure-AsyncOperation URL). */
  | "statusPoll"
  /** GET of an operation result (the Location URL). */
  | "locationPoll"
  /** GET of a widget. */
  | "resourceGet"
  /** GET of the widgets of a resource group. */
  | "resourceList"
  | "admin"
  | "static"
  /** CORS preflight. */
  | "preflight"
  /** Matched no route, wrong method, unparsable. */
  | "other";

/** The request kinds, for zero-filled counters. */
export const requestKinds: readonly RequestKind[] = [
  "initial",
  "statusPoll",
  "locationPoll",
  "resourceGet",
  "resourceList",
  "admin",
  "static",
  "preflight",
  "other",
];

/** One request, as recorded once answered. */
export interface RequestRecord {
  /** Arrival order since start (or reset), from 1. */
  readonly seq: number;
  /** Arrival time, by the server's clock (epoch ms). */
  readonly at: number;
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
  readonly kind: RequestKind;
  /** The HTTP status answered; 0 when the client went away first. */
  readonly status: number;
  /** The operation it concerns: started, polled, or (resource GET) provisioning the widget. */
  readonly operationId?: string;
  /** Whether a hook answered instead of, or changed, the handler's response. */
  readonly intercepted?: true;
  /**
   * The wire fault a hook asked for (`ArmResponse.fault`): with `"reset"` nothing was answered
   * (status 0, not counted as abandoned); with the `*-mid-body` ones, `status` is what the
   * truncated answer said.
   */
  readonly fault?: WireFault;
}

/** An operation as observed: its settings, where it stands now, and how it was followed. */
export interface OperationSnapshot {
  readonly id: string;
  readonly kind: OperationKind;
  readonly method: string;
  readonly resourceId: string;
  readonly region: string;
  readonly apiVersion: string;
  readonly lroHeaders: LroHeaderModel;
  readonly outcome: "succeed" | "fail" | "cancel";
  readonly durationMs: number;
  readonly retryAfter: number | null;
  readonly startTime: number;
  /** When it ends (or ended): `startTime + durationMs`. */
  readonly endTime: number;
  /** The status now. */
  readonly status: OperationStatus;
  readonly terminal: boolean;
  readonly percentComplete: number;
  /** Status polls + Location polls. */
  readonly polls: number;
  readonly statusPolls: number;
  readonly locationPolls: number;
  readonly resourceGets: number;
  readonly firstPollAt?: number;
  readonly lastPollAt?: number;
  readonly lastRequestAt: number;
  /** When a poll first told a client the operation had ended; absent if none has yet. */
  readonly terminalServedAt?: number;
  readonly statusUrl: string;
  readonly resultUrl: string;
}

/** Totals since start (or the last reset). */
export interface ServerStats {
  /** The server's clock now. */
  readonly now: number;
  /** When the server started or was last reset, by its clock. */
  readonly since: number;
  readonly requests: {
    /** Every request, admin and static ones included. */
    readonly total: number;
    /** Requests to the ARM API (`initial`, polls, resource GETs and lists). */
    readonly arm: number;
    readonly byKind: Readonly<Record<RequestKind, number>>;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly byMethod: Readonly<Record<string, number>>;
    /** Answers replaced or changed by a hook. */
    readonly intercepted: number;
    /** Requests whose client went away before the answer (not those a `reset` fault dropped). */
    readonly abandoned: number;
  };
  readonly operations: {
    /** Operations started. */
    readonly created: number;
    /** Still held (not forgotten past `maxOperations`). */
    readonly retained: number;
    readonly evicted: number;
    /** Held operations not yet terminal now. */
    readonly running: number;
    /** Held operations terminal now (reached Succeeded, Failed or Canceled). */
    readonly terminal: number;
    /** Held operations whose end a poll has reported to a client. */
    readonly terminalServed: number;
    readonly byStatus: Readonly<Partial<Record<OperationStatus, number>>>;
    readonly byKind: Readonly<Partial<Record<OperationKind, number>>>;
    /** Status + Location polls of held operations. */
    readonly polls: number;
  };
  /** Widgets that exist now. */
  readonly widgets: number;
}

/** Which requests to list. */
export interface RequestQuery {
  readonly operationId?: string;
  /** Only requests that arrived strictly after this time. */
  readonly after?: number;
  readonly kind?: RequestKind;
  /** The most recent `limit`. */
  readonly limit?: number;
}

/** Which operations to list. */
export interface OperationQuery {
  /** `running`, `terminal`, or one status word. */
  readonly status?: "running" | "terminal" | OperationStatus;
  readonly kind?: OperationKind;
  /** Only those started strictly after this time. */
  readonly startedAfter?: number;
}

/** A fixed-size log: the newest `capacity` records, oldest first. */
class Ring<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    if (this.capacity === 0) return;
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  toArray(): T[] {
    const start = (this.#next - this.#size + this.capacity) % this.capacity;
    const out: T[] = [];
    for (let i = 0; i < this.#size; i++) out.push(this.#items[(start + i) % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.#items.fill(undefined);
    this.#next = 0;
    this.#size = 0;
  }
}

function countInto(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

function matchesStatus(status: OperationStatus, wanted: OperationQuery["status"]): boolean {
  if (wanted === undefined) return true;
  if (wanted === "running") return !isTerminal(status);
  if (wanted === "terminal") return isTerminal(status);
  return status === wanted;
}

/** The record. One per server. */
export class Recorder {
  #seq = 0;
  #since: number;
  #total = 0;
  #intercepted = 0;
  #abandoned = 0;
  #byKind: Record<RequestKind, number> = Recorder.#zeroKinds();
  #byStatus: Record<string, number> = {};
  #byMethod: Record<string, number> = {};
  readonly #log: Ring<RequestRecord>;
  /**
   * One copy of each path: every poll of an operation has the same one, and a path sliced from
   * the request URL would otherwise keep the whole URL alive in each record (~300 → ~100 bytes).
   */
  #paths = new Map<string, string>();

  constructor(
    private readonly now: () => number,
    private readonly operations: OperationStore,
    private readonly perOperationLimit: number,
    totalLimit: number,
  ) {
    this.#since = now();
    this.#log = new Ring(totalLimit);
  }

  static #zeroKinds(): Record<RequestKind, number> {
    return Object.fromEntries(requestKinds.map((kind) => [kind, 0])) as Record<RequestKind, number>;
  }

  /** The next arrival number. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** The shared copy of `path`, for the records to hold: pass record paths through it. */
  internPath(path: string): string {
    const known = this.#paths.get(path);
    if (known !== undefined) return known;
    // Bounded: a flood of distinct paths (a scan, a fuzzer) must not grow it without end.
    if (this.#paths.size >= 50_000) this.#paths = new Map();
    this.#paths.set(path, path);
    return path;
  }

  /**
   * Records an answered request, and counts it against its operation. `servedTerminal` says the
   * answer told the client the operation had ended (a poll answered with the handler's own
   * terminal response).
   */
  record(record: RequestRecord, operation: Operation | undefined, servedTerminal: boolean): void {
    this.#total += 1;
    this.#byKind[record.kind] += 1;
    countInto(this.#byStatus, String(record.status));
    countInto(this.#byMethod, record.method);
    if (record.intercepted === true) this.#intercepted += 1;
    if (record.status === 0 && record.fault === undefined) this.#abandoned += 1;
    // Admin and static requests would drown the log that tests of clients read.
    if (record.kind === "admin" || record.kind === "static") return;
    this.#log.push(record);
    if (operation === undefined) return;
    const { counters } = operation;
    counters.lastRequestAt = Math.max(counters.lastRequestAt, record.at);
    if (record.kind === "statusPoll" || record.kind === "locationPoll") {
      if (record.kind === "statusPoll") counters.statusPolls += 1;
      else counters.locationPolls += 1;
      counters.firstPollAt = counters.firstPollAt === undefined ? record.at : Math.min(counters.firstPollAt, record.at);
      counters.lastPollAt = counters.lastPollAt === undefined ? record.at : Math.max(counters.lastPollAt, record.at);
      if (servedTerminal && counters.terminalServedAt === undefined) counters.terminalServedAt = record.at;
      if (counters.pollTimes.length >= maxPollTimes) counters.pollTimes.shift();
      counters.pollTimes.push(record.at);
    } else if (record.kind === "resourceGet") {
      counters.resourceGets += 1;
    }
    if (this.perOperationLimit > 0) {
      const log = (counters.requests ??= []);
      if (log.length >= this.perOperationLimit) log.shift();
      log.push(record);
    }
  }

  /** The recorded requests: of one operation (its own log), or from the server-wide log. */
  requests(query: RequestQuery = {}): RequestRecord[] {
    let found: RequestRecord[];
    if (query.operationId !== undefined) {
      const operation = this.operations.get(query.operationId);
      found = [...(operation?.counters.requests ?? [])];
    } else {
      found = this.#log.toArray();
    }
    const { after, kind, limit } = query;
    if (after !== undefined) found = found.filter((record) => record.at > after);
    if (kind !== undefined) found = found.filter((record) => record.kind === kind);
    if (limit !== undefined && found.length > limit) found = found.slice(found.length - limit);
    return found;
  }

  /** Polls (status and Location) `operationId` received strictly after `time`, by the server's clock. */
  pollsAfter(operationId: string, time: number): number {
    const times = this.operations.get(operationId)?.counters.pollTimes ?? [];
    // Arrival order is time order with a monotonic clock; an injected clock that goes back is tolerated by the full scan.
    let count = 0;
    for (const at of times) if (at > time) count += 1;
    return count;
  }

  /** The snapshot of one operation at `now`. */
  snapshot(operation: Operation, baseUrl: string, now = this.now()): OperationSnapshot {
    const phase = phaseAt(operation, now);
    const { counters, settings } = operation;
    const urls = operationUrls(baseUrl, operation);
    return {
      id: operation.id,
      kind: operation.kind,
      method: operation.method,
      resourceId: operation.resourceId,
      region: operation.region,
      apiVersion: operation.apiVersion,
      lroHeaders: settings.lroHeaders,
      outcome: settings.outcome,
      durationMs: settings.duration,
      retryAfter: settings.retryAfter,
      startTime: operation.startTime,
      endTime: operation.startTime + settings.duration,
      status: phase.status,
      terminal: phase.terminal,
      percentComplete: phase.percentComplete,
      polls: counters.statusPolls + counters.locationPolls,
      statusPolls: counters.statusPolls,
      locationPolls: counters.locationPolls,
      resourceGets: counters.resourceGets,
      ...(counters.firstPollAt === undefined ? {} : { firstPollAt: counters.firstPollAt }),
      ...(counters.lastPollAt === undefined ? {} : { lastPollAt: counters.lastPollAt }),
      lastRequestAt: counters.lastRequestAt,
      ...(counters.terminalServedAt === undefined ? {} : { terminalServedAt: counters.terminalServedAt }),
      statusUrl: urls.status,
      resultUrl: urls.result,
    };
  }

  /** The operations held, oldest first, filtered. */
  list(baseUrl: string, query: OperationQuery = {}): OperationSnapshot[] {
    const now = this.now();
    const found: OperationSnapshot[] = [];
    for (const operation of this.operations.values()) {
      if (query.kind !== undefined && operation.kind !== query.kind) continue;
      if (query.startedAfter !== undefined && operation.startTime <= query.startedAfter) continue;
      const snapshot = this.snapshot(operation, baseUrl, now);
      if (matchesStatus(snapshot.status, query.status)) found.push(snapshot);
    }
    return found;
  }

  /** The totals; `widgets` is counted by the caller, which owns the widgets. */
  stats(widgets: number): ServerStats {
    const now = this.now();
    const byStatus: Partial<Record<OperationStatus, number>> = {};
    const byKind: Partial<Record<OperationKind, number>> = {};
    let terminal = 0;
    let terminalServed = 0;
    let polls = 0;
    for (const operation of this.operations.values()) {
      const { status } = phaseAt(operation, now);
      countInto(byStatus, status);
      countInto(byKind, operation.kind);
      if (isTerminal(status)) terminal += 1;
      if (operation.counters.terminalServedAt !== undefined) terminalServed += 1;
      polls += operation.counters.statusPolls + operation.counters.locationPolls;
    }
    const { initial, statusPoll, locationPoll, resourceGet, resourceList } = this.#byKind;
    return {
      now,
      since: this.#since,
      requests: {
        total: this.#total,
        arm: initial + statusPoll + locationPoll + resourceGet + resourceList,
        byKind: { ...this.#byKind },
        byStatus: { ...this.#byStatus },
        byMethod: { ...this.#byMethod },
        intercepted: this.#intercepted,
        abandoned: this.#abandoned,
      },
      operations: {
        created: this.operations.created,
        retained: this.operations.size,
        evicted: this.operations.evicted,
        running: this.operations.size - terminal,
        terminal,
        terminalServed,
        byStatus,
        byKind,
        polls,
      },
      widgets,
    };
  }

  /** Forgets every request and counter (the caller clears operations and widgets). */
  reset(): void {
    this.#seq = 0;
    this.#since = this.now();
    this.#total = 0;
    this.#intercepted = 0;
    this.#abandoned = 0;
    this.#byKind = Recorder.#zeroKinds();
    this.#byStatus = {};
    this.#byMethod = {};
    this.#log.clear();
    this.#paths = new Map();
  }
}
