import type { HttpHeaders, PipelineResponse } from "@azure/core-rest-pipeline";
import { attachState } from "../errors/lro-error.js";
import { LroBadStatusError } from "../errors/lro-bad-status-error.js";
import { readBody } from "../http/body.js";
import { copyHttpHeaders, createHttpHeaders } from "../http/http-headers.js";
import { RequestSequence, type RequestReceiver } from "../http/request-sequence.js";
import { followUrl, redactUrl } from "../http/url-policy.js";
import { Timer } from "../scheduling/timer-queue.js";
import { logger } from "../logger.js";
import type { ResolvedLroOptions } from "../options.js";
import { isTerminalStatus, type LroState } from "../state.js";
import { bodyOrNothing, serviceErrorOf, type Reading } from "../strategies/reading.js";
import type { PollingStrategy } from "../strategies/strategy.js";
import type { TrackedOperation } from "../tracked-operation.js";
import type { ExpandAnswer, ExpandSteps } from "./expand-from.js";
import { makeState, type PollingContext } from "./make-state.js";

const isSuccessStatus = (status: number): boolean => status >= 200 && status < 300;

/** The headers of every GET of an operation: its polls and the final GET. */
function pollHeaders(operation: TrackedOperation): HttpHeaders {
  const headers = createHttpHeaders({ accept: "application/json" });
  if (operation.clientRequestId !== undefined) headers.set("x-ms-client-request-id", operation.clientRequestId);
  return headers;
}

/** Logs a state as it is emitted (when info logging is on). */
export function logState(state: LroState<unknown>, method: string): void {
  if (!logger.info.enabled) return;
  const where = state.pollingUrl === undefined ? "" : ` ${redactUrl(state.pollingUrl)}`;
  const next = state.nextPollInMs === undefined ? "" : `; next poll in ${state.nextPollInMs} ms`;
  logger.info(
    `${method} ${state.strategy}${where}: HTTP ${state.httpStatus ?? "-"} ${state.providerStatus} → ${state.status}${next}`,
  );
}

/** A succeeded reading whose result is being fetched. */
interface Fetching {
  readonly reading: Reading;
  readonly pollCount: number;
  readonly resultUrl: string;
}

/**
 * The polling of one subscription to an operation's states, one poll at a time: the steps of
 * its `expandFrom` loop, and the receiver of its requests. Each step waits for the state's delay
 * (the response's Retry-After, else the interval), polls, reads the response with the strategy,
 * and when the operation has succeeded switches to the final GET; it answers the next state, or
 * fails with an error carrying the last state the subscriber saw (and so its token).
 *
 * One object rather than closures, observables and subscribers per poll: this runs once per poll
 * for every operation in flight, and those were a good part of the engine's CPU and garbage, and
 * of what an operation keeps alive between polls (see bench/README.md). Mutable, and safe so: one poll at a time, and each
 * subscription makes its own.
 */
export class PollLoop<TResult> implements PollingContext, ExpandSteps<LroState<TResult>>, RequestReceiver {
  /** The operation as the latest response left it (a new object only when it changed). */
  operation: TrackedOperation;
  immediateStreak = 0;
  token = "";
  tokenOf: TrackedOperation | undefined = undefined;

  readonly #strategy: PollingStrategy;
  readonly #options: ResolvedLroOptions<TResult>;
  readonly #requests: RequestSequence;
  readonly #headers: HttpHeaders;
  /** The last state the subscriber saw: every error carries it. */
  #last!: LroState<TResult>;
  #answer!: ExpandAnswer<LroState<TResult>>;
  /** The wait before the next poll: one timer for the loop, started for each wait. */
  readonly #wait = new Timer(() => this.#poll());
  /** Set once the operation has succeeded and its result is being fetched. */
  #fetching: Fetching | undefined;

  constructor(strategy: PollingStrategy, options: ResolvedLroOptions<TResult>, operation: TrackedOperation) {
    this.#strategy = strategy;
    this.#options = options;
    this.operation = operation;
    this.#requests = new RequestSequence(options, options);
    this.#headers = pollHeaders(operation);
  }

  /** Waits for `last`'s delay, then polls; nothing after a terminal state. */
  step(last: LroState<TResult>, answer: ExpandAnswer<LroState<TResult>>): boolean {
    if (isTerminalStatus(last.status)) return false;
    this.#last = last;
    this.#answer = answer;
    this.#wait.start(this.#options.scheduler, last.nextPollInMs ?? this.#options.intervalInMs);
    return true;
  }

  cancel(): void {
    this.#wait.stop();
    this.#requests.cancel();
  }

  #poll(): void {
    this.#get(this.operation.pollingUrl as string);
  }

  during(): string {
    const fetching = this.#fetching;
    return fetching === undefined
      ? `while polling ${redactUrl(this.operation.pollingUrl as string)}`
      : `while fetching the result from ${redactUrl(fetching.resultUrl)}`;
  }

  onResponse(response: PipelineResponse): void {
    try {
      if (this.#fetching === undefined) this.#readPoll(response);
      else this.#readResult(response, this.#fetching);
    } catch (error) {
      this.onError(error);
    }
  }

  onError(error: unknown): void {
    this.#answer.error(attachState(error, this.#last));
  }

  #deliver(next: LroState<TResult>): void {
    logState(next, this.operation.method);
    this.#answer.next(next);
  }

  /** Reads a poll's response into the next state (after the final GET, when it succeeded). */
  #readPoll(response: PipelineResponse): void {
    const operation = this.operation;
    const pollingUrl = operation.pollingUrl as string;
    if (!isSuccessStatus(response.status)) {
      throw new LroBadStatusError({ response, during: this.during(), error: serviceErrorOf(bodyOrNothing(response)) });
    }
    const strategy = this.#strategy;
    const reading = strategy.readPoll(response);
    const link = strategy.pollingLink(response, operation);
    // The same URL as now needs no second check; and an unchanged operation keeps its object
    // (and so its encoded continuation token).
    const nextPollingUrl = link === undefined || link === pollingUrl ? pollingUrl : followUrl(link, this.#urlPolicy());
    // A poll's own `Location` is not kept: the final GET uses the initial response's (see TrackedOperation.location).
    if (nextPollingUrl !== pollingUrl) this.operation = Object.assign({}, operation, { pollingUrl: nextPollingUrl });
    const pollCount = this.#last.pollCount + 1;
    if (reading.status === "succeeded") this.#fetchResult(reading, response, pollCount);
    else this.#deliver(makeState(this.operation, reading, { response, pollCount }, this.#options, this));
  }

  /** The terminal state of an operation whose poll said it succeeded: its result, fetched if it must be. */
  #fetchResult(reading: Reading, response: PipelineResponse, pollCount: number): void {
    const operation = this.operation;
    const source = this.#strategy.finalResult(operation, reading);
    if (source.from !== "get") {
      const body = source.from === "body" ? reading.body : undefined;
      this.#deliver(makeState(operation, { ...reading, body }, { response, pollCount }, this.#options, this));
      return;
    }
    const resultUrl = followUrl(source.url, this.#urlPolicy());
    this.#fetching = { reading, pollCount, resultUrl };
    this.#get(resultUrl);
  }

  #readResult(final: PipelineResponse, { reading, pollCount, resultUrl }: Fetching): void {
    const operation = this.operation;
    const deleted = final.status === 404 && operation.method === "DELETE";
    if (!isSuccessStatus(final.status) && !deleted) {
      throw new LroBadStatusError({ response: final, during: this.during(), error: serviceErrorOf(bodyOrNothing(final)) });
    }
    const body = deleted ? undefined : readBody(final);
    this.#deliver(makeState(operation, { ...reading, body }, { response: final, pollCount, resultUrl }, this.#options, this));
  }

  #get(url: string): void {
    const { allowInsecureConnection } = this.operation;
    this.#requests.send({ url, method: "GET", headers: copyHttpHeaders(this.#headers), allowInsecureConnection }, this);
  }

  #urlPolicy() {
    return { origin: this.operation.requestUrl, allowedHosts: this.#options.allowedHosts };
  }
}
