/**
 * The operations model: what an operation is, where it stands at a given time, and how its
 * status resource and its Location result read.
 *
 * Nothing here runs by itself. An operation is a start time, a duration and an outcome; its
 * status is computed from `now - startTime` whenever someone asks. That is what lets the server
 * hold 10,000 concurrent operations for the price of 10,000 small objects (no timers), and what
 * lets tests drive it with an injected clock.
 * @module
 */
import type { ArmErrorDetail } from "./arm-errors.js";
import type { OperationSettings } from "./knobs.js";
import type { OperationKind, ProgressWords } from "./options.js";
import type { RequestRecord } from "./recorder.js";

/** The status words an operation goes through. */
export type OperationStatus =
  | "Accepted"
  | "InProgress"
  | "Creating"
  | "Updating"
  | "Deleting"
  | "Restarting"
  | "Migrating"
  | TerminalStatus;

/** The statuses an operation never leaves. */
export type TerminalStatus = "Succeeded" | "Failed" | "Canceled";

/** A resource body, as GET returns it. */
export interface WidgetBody {
  readonly id: string;
  readonly name: string;
  readonly type: "Microsoft.Demo/widgets";
  readonly location: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly properties: Readonly<Record<string, unknown>> & { readonly provisioningState: string };
}

/** The result of a migrate action: what its Location URL finally answers. */
export interface MigrationResult {
  readonly migrationId: string;
  readonly widget: string;
  readonly sourceLocation: string;
  readonly targetLocation: string;
  readonly movedItems: number;
}

/** How the server has seen an operation being followed. Mutated as requests arrive. */
export interface OperationCounters {
  /** GETs of the status resource (Azure-AsyncOperation URL). */
  statusPolls: number;
  /** GETs of the Location URL. */
  locationPolls: number;
  /** GETs of the resource while this was its provisioning operation (body-content polls, final GETs). */
  resourceGets: number;
  firstPollAt: number | undefined;
  lastPollAt: number | undefined;
  /** The last request of any kind about this operation, the initial one included. */
  lastRequestAt: number;
  /** When a client was first told, by a status or Location poll, that the operation had ended. */
  terminalServedAt: number | undefined;
  /**
   * Arrival time of every poll, in arrival order (8 bytes each, unlike the full request records,
   * which are capped): what makes "how many polls after T" exact. Capped at {@link maxPollTimes}.
   */
  readonly pollTimes: number[];
  /** This operation's requests, oldest first, capped by `requestLog.perOperation`; created on the first. */
  requests: RequestRecord[] | undefined;
}

/** Poll times kept per operation; an operation polled more than this answers `pollsAfter` from the newest ones. */
export const maxPollTimes = 100_000;

/** One long-running operation. Immutable but for its `counters`. */
export interface Operation {
  readonly id: string;
  readonly kind: OperationKind;
  readonly method: string;
  readonly subscription: string;
  readonly resourceGroup: string;
  readonly resourceName: string;
  readonly resourceId: string;
  /** The region in URL form (`westeurope`). */
  readonly region: string;
  /** The api-version of the initial request, which the operation's URLs carry on. */
  readonly apiVersion: string;
  readonly startTime: number;
  readonly settings: OperationSettings;
  /** PUT/PATCH: the resource as it will be once the operation succeeds. */
  readonly resource?: WidgetBody;
  /** migrate: the result. */
  readonly migration?: MigrationResult;
  readonly counters: OperationCounters;
}

/** Where an operation stands at some time. */
export interface Phase {
  readonly status: OperationStatus;
  readonly terminal: boolean;
  /** 0 while Accepted, then linear in time up to 99, and 100 once terminal. */
  readonly percentComplete: number;
}

/** The share of the duration an operation stays `Accepted` before it says it is running. */
const acceptedShare = 0.2;

const providerWords: Readonly<Record<OperationKind, OperationStatus>> = {
  create: "Creating",
  replace: "Updating",
  update: "Updating",
  delete: "Deleting",
  restart: "Restarting",
  migrate: "Migrating",
};

const terminalWords: Readonly<Record<OperationSettings["outcome"], TerminalStatus>> = {
  succeed: "Succeeded",
  fail: "Failed",
  cancel: "Canceled",
};

/** Whether a status word is terminal. */
export function isTerminal(status: string): status is TerminalStatus {
  return status === "Succeeded" || status === "Failed" || status === "Canceled";
}

/**
 * Where `operation` stands at `now`. `words` picks the running word of the status resource; the
 * resource's own `provisioningState` always uses the provider's word (see `provisioningWordAt`).
 */
export function phaseAt(operation: Operation, now: number, words: ProgressWords = "generic"): Phase {
  const { duration, outcome } = operation.settings;
  const elapsed = now - operation.startTime;
  if (elapsed >= duration) return { status: terminalWords[outcome], terminal: true, percentComplete: 100 };
  if (elapsed < duration * acceptedShare) return { status: "Accepted", terminal: false, percentComplete: 0 };
  const status = words === "provider" ? providerWords[operation.kind] : "InProgress";
  return { status, terminal: false, percentComplete: Math.min(99, Math.floor((100 * elapsed) / duration)) };
}

/** The resource's `provisioningState` while `operation` is its provisioning operation. */
export function provisioningWordAt(operation: Operation, now: number): OperationStatus {
  return phaseAt(operation, now, "provider").status;
}

const verbs: Readonly<Record<OperationKind, string>> = {
  create: "creation",
  replace: "replacement",
  update: "update",
  delete: "deletion",
  restart: "restart",
  migrate: "migration",
};

/** The error of a failed or canceled operation. */
export function operationError(operation: Operation, status: "Failed" | "Canceled"): ArmErrorDetail {
  const what = `The ${verbs[operation.kind]} of widget '${operation.resourceName}' (operation ${operation.id})`;
  if (status === "Canceled") {
    return { code: "OperationCanceled", message: `${what} was canceled.` };
  }
  const code = operation.settings.errorCode;
  return {
    code,
    message: `${what} failed: ${code}.`,
    details: [{ code, message: `Simulated failure (outcome=fail) in region '${operation.region}'.`, target: operation.resourceId }],
  };
}

/** The absolute URLs of an operation's status resource and result. */
export interface OperationUrls {
  /** The Azure-AsyncOperation target. */
  readonly status: string;
  /** The Location target. */
  readonly result: string;
}

/** Builds an operation's URLs on the server's own base URL; both carry the api-version. */
export function operationUrls(baseUrl: string, operation: Operation): OperationUrls {
  const prefix = `${baseUrl}/subscriptions/${encodeURIComponent(operation.subscription)}/providers/Microsoft.Demo/locations/${operation.region}`;
  const query = `?api-version=${encodeURIComponent(operation.apiVersion)}`;
  return {
    status: `${prefix}/operationStatuses/${operation.id}${query}`,
    result: `${prefix}/operationResults/${operation.id}${query}`,
  };
}

/** The headers that tell a client when to poll again. */
export function retryHeaders(settings: OperationSettings): Record<string, string> {
  const headers: Record<string, string> = {};
  if (settings.retryAfter !== null) headers["retry-after"] = String(settings.retryAfter);
  if (settings.retryAfterMs !== undefined) headers["retry-after-ms"] = String(settings.retryAfterMs);
  return headers;
}

/** The body of the operation status resource (the Azure-AsyncOperation target). */
export interface OperationStatusBody {
  readonly id: string;
  readonly name: string;
  readonly resourceId: string;
  readonly status: OperationStatus;
  readonly startTime: string;
  readonly endTime?: string;
  readonly percentComplete?: number;
  readonly error?: ArmErrorDetail;
  /** migrate, once succeeded: the migration result ("provider values for successful operations"). */
  readonly properties?: MigrationResult;
}

/** The status resource of `operation` at `now`. */
export function statusBody(operation: Operation, now: number, words: ProgressWords): OperationStatusBody {
  const phase = phaseAt(operation, now, words);
  const { settings } = operation;
  return {
    id: `/subscriptions/${operation.subscription}/providers/Microsoft.Demo/locations/${operation.region}/operationStatuses/${operation.id}`,
    name: operation.id,
    resourceId: operation.resourceId,
    status: phase.status,
    startTime: new Date(operation.startTime).toISOString(),
    ...(phase.terminal ? { endTime: new Date(operation.startTime + settings.duration).toISOString() } : {}),
    ...(settings.percentComplete ? { percentComplete: phase.percentComplete } : {}),
    ...(phase.status === "Failed" || phase.status === "Canceled" ? { error: operationError(operation, phase.status) } : {}),
    ...(phase.status === "Succeeded" && operation.migration !== undefined ? { properties: operation.migration } : {}),
  };
}

/**
 * What the Location URL of a failed or canceled operation answers (with 200): the error, under
 * both words a client may look for, `status` and `properties.provisioningState`, so that a client
 * that reads the final body as a resource sees a terminal failure rather than a success.
 */
export interface FailedResultBody {
  readonly id: string;
  readonly name: string;
  readonly status: "Failed" | "Canceled";
  readonly error: ArmErrorDetail;
  readonly properties: { readonly provisioningState: "Failed" | "Canceled" };
}

/** What the Location URL answers at `now`: 202 while running, then the result. */
export type LocationAnswer =
  | { readonly status: 202; readonly terminal: false }
  | { readonly status: 204; readonly terminal: true; readonly outcome: "Succeeded" }
  | { readonly status: 200; readonly terminal: true; readonly outcome: TerminalStatus; readonly body: WidgetBody | MigrationResult | FailedResultBody };

/** The Location answer of `operation` at `now`. */
export function locationAnswer(operation: Operation, now: number): LocationAnswer {
  const phase = phaseAt(operation, now);
  if (!phase.terminal) return { status: 202, terminal: false };
  if (phase.status === "Failed" || phase.status === "Canceled") {
    const body: FailedResultBody = {
      id: operation.resourceId,
      name: operation.resourceName,
      status: phase.status,
      error: operationError(operation, phase.status),
      properties: { provisioningState: phase.status },
    };
    return { status: 200, terminal: true, outcome: phase.status, body };
  }
  if (operation.resource !== undefined) return { status: 200, terminal: true, outcome: "Succeeded", body: operation.resource };
  if (operation.migration !== undefined) return { status: 200, terminal: true, outcome: "Succeeded", body: operation.migration };
  return { status: 204, terminal: true, outcome: "Succeeded" };
}

/**
 * All operations, by id, in creation order. Past `maxOperations` the oldest are forgotten, so a
 * load test that runs for hours cannot exhaust memory.
 */
export class OperationStore {
  readonly #operations = new Map<string, Operation>();
  #created = 0;
  #evicted = 0;

  constructor(private readonly maxOperations: number) {}

  add(operation: Operation): void {
    this.#operations.set(operation.id, operation);
    this.#created += 1;
    while (this.#operations.size > this.maxOperations) {
      const oldest = this.#operations.keys().next();
      if (oldest.done === true) break;
      this.#operations.delete(oldest.value);
      this.#evicted += 1;
    }
  }

  get(id: string): Operation | undefined {
    return this.#operations.get(id);
  }

  values(): IterableIterator<Operation> {
    return this.#operations.values();
  }

  get size(): number {
    return this.#operations.size;
  }

  /** Operations created since the last reset, the forgotten ones included. */
  get created(): number {
    return this.#created;
  }

  get evicted(): number {
    return this.#evicted;
  }

  clear(): void {
    this.#operations.clear();
    this.#created = 0;
    this.#evicted = 0;
  }
}
