/**
 * An `HttpClient` that counts what it sends, the way the ARM demo server classifies requests,
 * and how many are in flight at once.
 * @module
 */
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";

/** The request kinds the server's record distinguishes (the ARM ones; anything else is `other`). */
export type ArmRequestKind = "initial" | "statusPoll" | "locationPoll" | "resourceGet" | "other";

export const armRequestKinds: readonly ArmRequestKind[] = ["initial", "statusPoll", "locationPoll", "resourceGet", "other"];

const pollPath = /\/(operationStatuses|operationResults)\/([^/?]+)/;

/** What the server would call this request, and the operation a poll names. */
export function classify(method: string, url: string): { kind: ArmRequestKind; operationId?: string } {
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2)).split("?")[0] ?? "";
  if (method !== "GET") return { kind: path.includes("/widgets/") ? "initial" : "other" };
  const poll = pollPath.exec(path);
  if (poll !== null) return { kind: poll[1] === "operationStatuses" ? "statusPoll" : "locationPoll", operationId: poll[2]! };
  return { kind: /\/widgets\/[^/]+$/.test(path) ? "resourceGet" : "other" };
}

/**
 * Wraps the client every request of the load test goes out with (the hub's polls pass its
 * request gate first; initial requests from `beginLro` do not). Counts every request handed to
 * the transport (pipeline retries included: each one is a request the server should see), by
 * kind and by answered status, each operation's polls, and the most requests in flight at once:
 * all of them, the GETs (polls and final GETs: the hub's, so bounded by `maxConcurrentPolls`),
 * and the rest (initial requests: bounded by the harness's own begin concurrency).
 */
export class CountingHttpClient implements HttpClient {
  total = 0;
  readonly byKind: Record<ArmRequestKind, number> = { initial: 0, statusPoll: 0, locationPoll: 0, resourceGet: 0, other: 0 };
  readonly byStatus: Record<string, number> = {};
  /** Requests that failed in the transport (no HTTP answer). */
  transportErrors = 0;
  inFlight = 0;
  inFlightGets = 0;
  inFlightOthers = 0;
  maxInFlight = 0;
  maxInFlightGets = 0;
  maxInFlightOthers = 0;
  /** GETs started while `maxGets` were already in flight: the hub's budget broken. */
  overBudget = 0;
  /** Polls (status + Location) per operation id. */
  pollsByOperation = new Map<string, number>();

  constructor(
    private readonly inner: HttpClient,
    private readonly maxGets: number,
  ) {}

  sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const { kind, operationId } = classify(request.method, request.url);
    const get = request.method === "GET";
    this.total++;
    this.byKind[kind]++;
    if (operationId !== undefined) this.pollsByOperation.set(operationId, (this.pollsByOperation.get(operationId) ?? 0) + 1);
    if (get && this.inFlightGets >= this.maxGets) this.overBudget++;
    this.inFlight++;
    if (get) this.inFlightGets++;
    else this.inFlightOthers++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.maxInFlightGets = Math.max(this.maxInFlightGets, this.inFlightGets);
    this.maxInFlightOthers = Math.max(this.maxInFlightOthers, this.inFlightOthers);
    const settle = () => {
      this.inFlight--;
      if (get) this.inFlightGets--;
      else this.inFlightOthers--;
    };
    return this.inner.sendRequest(request).then(
      (response) => {
        settle();
        this.byStatus[response.status] = (this.byStatus[response.status] ?? 0) + 1;
        return response;
      },
      (error: unknown) => {
        settle();
        this.transportErrors++;
        throw error;
      },
    );
  }

  /** Drops the per-operation bookkeeping (before measuring the heap), keeping the totals. */
  release(): void {
    this.pollsByOperation = new Map();
  }
}
