import type { HttpClient, Pipeline, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import type { Subscription } from "rxjs";
import { LroRequestError } from "../errors/lro-request-error.js";
import { logger } from "../logger.js";
import { clampDelay } from "../options.js";
import { loadDefaultTransport, loadedDefaultTransport } from "./default-transport.js";
import { GuardedClient, timeoutError } from "./guarded-client.js";
import { createPipelineRequest } from "./pipeline-request.js";
import { parseRetryAfter } from "./retry-after.js";
import type { RequestOptions, RetrySettings, Transport } from "./send.js";

const transientStatuses: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Node warns past 10 abort listeners on one signal; a reused controller stays well under. */
const maxUsesPerController = 8;

/**
 * What a request of the sequence reports to: an interface rather than callbacks, so that the
 * loop polling an operation can receive every answer itself without a closure per request.
 */
export interface RequestReceiver {
  /** A response the caller is to judge (a transient one only once retries have run out). */
  onResponse(response: PipelineResponse): void;
  /** A transport failure, as an `LroRequestError`, or a deadline's `TimeoutError` wrapped so. */
  onError(error: unknown): void;
  /** Names the request in messages (`"while polling …"`); asked only when one is written. */
  during(): string;
}

/**
 * The requests of one operation — its polls, their retries, the final GET — which go one at a
 * time. One object per followed operation does what closures per request did before (they were
 * much of the engine's CPU and garbage, see bench/README.md): it sends through the pipeline,
 * aborts on {@link cancel}, bounds each exchange with a deadline, and retries what fails
 * transiently.
 *
 * Retried, up to `maxRetries` times (0 for an initial request, which need not be idempotent):
 * no complete answer within `requestTimeoutInMs`, a transport error, or 408/429/5xx (which the
 * pipeline has already retried on its own), after the response's Retry-After, else an
 * exponential backoff. When retries run out, a transient response is reported as a response,
 * for the caller to judge, and a transport failure as an {@link LroRequestError}. Callbacks run asynchronously (the pipeline answers with a promise),
 * at most once per {@link send}; none runs after {@link cancel}.
 *
 * Abort controllers: Node's cost ~2 µs each to create, so one serves up to 8 requests, until one
 * of them is aborted. The bound keeps a pipeline policy that forgets to remove its abort listener
 * from piling listeners onto one signal.
 */
export class RequestSequence {
  readonly #transport: Transport;
  readonly #settings: RetrySettings;
  #controller: AbortController | undefined;
  #controllerUses = 0;
  #guarded: GuardedClient | undefined;
  /** Bumped by every attempt and by {@link cancel}: an answer to an older attempt is dropped. */
  #attempt = 0;
  #request: RequestOptions | undefined;
  #receiver: RequestReceiver | undefined;
  #retries = 0;
  /** The attempt on the wire (its signal is let go of once it is answered). */
  #inFlight: PipelineRequest | undefined;
  #wait: Subscription | undefined;

  constructor(transport: Transport, settings: RetrySettings) {
    this.#transport = transport;
    this.#settings = settings;
  }

  /** Sends `request` (after cancelling anything still in flight), reporting to `receiver`. */
  send(request: RequestOptions, receiver: RequestReceiver): void {
    this.cancel();
    this.#request = request;
    this.#receiver = receiver;
    this.#retries = 0;
    this.#attemptNow();
  }

  /** Aborts the request in flight and forgets a pending retry; its answer reaches no callback. */
  cancel(): void {
    this.#attempt++;
    this.#wait?.unsubscribe();
    this.#wait = undefined;
    this.#receiver = undefined;
    this.#request = undefined;
    const inFlight = this.#inFlight;
    if (inFlight === undefined) return;
    this.#inFlight = undefined;
    this.#guarded?.dispose();
    // The request keeps its signal: the pipeline's policies may still read it between attempts.
    this.#controller?.abort();
  }

  /**
   * Sends the next attempt. A transport without a pipeline or client uses the defaults, loaded on
   * the first such request: until they are, nothing is sent (cancelling sends nothing at all), and
   * a failed load is the attempt's failure.
   */
  #attemptNow(): void {
    this.#wait = undefined;
    const attempt = ++this.#attempt;
    const { pipeline, httpClient } = this.#transport;
    if (pipeline !== undefined && httpClient !== undefined) return this.#sendThrough(attempt, pipeline, httpClient);
    const defaults = loadedDefaultTransport();
    if (defaults !== undefined) return this.#sendThrough(attempt, pipeline ?? defaults.pipeline, httpClient ?? defaults.httpClient);
    loadDefaultTransport().then(
      (loaded) => {
        if (attempt === this.#attempt) this.#sendThrough(attempt, pipeline ?? loaded.pipeline, httpClient ?? loaded.httpClient);
      },
      (error: unknown) => {
        if (attempt === this.#attempt) this.#failed(undefined, error);
      },
    );
  }

  #sendThrough(attempt: number, pipeline: Pipeline, httpClient: HttpClient): void {
    const guarded = this.#guardedClient(httpClient);
    const gate = this.#transport.gate;
    // Not createPipelineRequest({ ...request, abortSignal }): V8 (Node 20) builds a literal that
    // spreads and then adds properties ~20× slower, and the request is slower to read afterwards.
    const request = createPipelineRequest(this.#request!);
    request.abortSignal = this.#nextController().signal;
    this.#inFlight = request;
    pipeline.sendRequest(gate === undefined ? guarded : gate.wrap(guarded), request).then(
      (response) => this.#answered(attempt, response, undefined),
      (error: unknown) => this.#answered(attempt, undefined, error),
    );
  }

  #answered(attempt: number, response: PipelineResponse | undefined, error: unknown): void {
    if (attempt !== this.#attempt) return;
    const request = this.#inFlight!;
    this.#inFlight = undefined;
    // The response keeps its request (in every state's rawResponse); a finished request's abort
    // signal would only keep its controller and listeners alive with it.
    request.abortSignal = undefined;
    if (response === undefined) {
      const { requestTimeoutInMs } = this.#settings;
      this.#failed(undefined, this.#guarded!.timedOut() && requestTimeoutInMs !== undefined ? timeoutError(requestTimeoutInMs) : error);
    } else if (transientStatuses.has(response.status)) {
      this.#failed(response, undefined);
    } else {
      this.#request = undefined;
      this.#receiver!.onResponse(response);
    }
  }

  /** A transient failure: a response (throttled, 5xx) or a transport failure (no response). */
  #failed(response: PipelineResponse | undefined, failure: unknown): void {
    const settings = this.#settings;
    const receiver = this.#receiver!;
    if (this.#retries >= settings.maxRetries) {
      // Answered for good: nothing to retry (and the receiver may send the next request at once).
      this.#request = undefined;
      if (response !== undefined) receiver.onResponse(response);
      else receiver.onError(new LroRequestError(receiver.during(), failure));
      return;
    }
    const retries = ++this.#retries;
    const asked = response === undefined ? undefined : parseRetryAfter(response.headers, settings.scheduler.now());
    const backoff = Math.min(settings.retryDelayInMs * 2 ** (retries - 1), settings.maxRetryDelayInMs);
    const delayInMs = clampDelay(asked ?? backoff, settings.maxDelayInMs);
    const reason = response !== undefined ? `HTTP ${response.status}` : String(failure);
    logger.warning(`retry ${retries}/${settings.maxRetries} ${receiver.during()} in ${delayInMs} ms after ${reason}`);
    this.#wait = settings.scheduler.schedule(RequestSequence.#retry, delayInMs, this);
  }

  /** The work of a retry's wait, scheduled with the sequence as its state: a wait makes no closure. */
  static readonly #retry = (sequence?: RequestSequence): void => sequence!.#attemptNow();

  /** One guarded client for the sequence's requests (they go one at a time): its deadline aborts the request in flight. */
  #guardedClient(client: HttpClient): GuardedClient {
    const guarded = this.#guarded;
    if (guarded !== undefined && guarded.inner === client) return guarded;
    return (this.#guarded = new GuardedClient(client, this.#settings, () => this.#controller?.abort()));
  }

  #nextController(): AbortController {
    const current = this.#controller;
    if (current !== undefined && this.#controllerUses < maxUsesPerController && !current.signal.aborted) {
      this.#controllerUses++;
      return current;
    }
    this.#controllerUses = 1;
    return (this.#controller = new AbortController());
  }
}
