import type { HttpClient, Pipeline, PipelineRequestOptions, PipelineResponse } from "@azure/core-rest-pipeline";
import { Observable } from "rxjs";
import { loadDefaultTransport, loadedDefaultTransport } from "./default-transport.js";
import { GuardedClient, guardClient, timeoutError, type ClientGuard } from "./guarded-client.js";
import { createPipelineRequest } from "./pipeline-request.js";

/**
 * Where requests go: a pipeline, the client it sends with, and the gate a hub puts before it.
 * A pipeline or client left `undefined` is core-rest-pipeline's default (see default-transport.ts).
 */
export interface Transport {
  readonly pipeline?: Pipeline | undefined;
  readonly httpClient?: HttpClient | undefined;
  /** Admits requests to the client (a hub's cap and pause); outside the guard, so waiting does not count. */
  readonly gate?: { wrap(client: HttpClient): HttpClient };
}

/** Stops what was started; calling it after the end, or twice, does nothing. */
export type Cancel = () => void;

/**
 * The request of a sequence (a poll, its retries, the final GET) that is in flight now.
 * Cancelling cancels it, and any request set after that is cancelled as soon as it is known: a
 * client may answer, or the subscriber leave, while a request is being sent.
 */
export class CurrentRequest {
  #cancel: Cancel | undefined;
  #cancelled = false;

  set(cancel: Cancel | undefined): void {
    if (this.#cancelled) cancel?.();
    else this.#cancel = cancel;
  }

  cancel(): void {
    this.#cancelled = true;
    this.#cancel?.();
    this.#cancel = undefined;
  }
}

/** What a request is built from: everything but the abort signal, which rx-lro owns. */
export type RequestOptions = Omit<PipelineRequestOptions, "abortSignal">;

/** Node warns past 10 abort listeners on one signal; a reused controller stays well under. */
const maxUsesPerController = 8;

/**
 * Abort controllers for the requests of one operation, which go one at a time. A controller
 * serves up to 8 requests, until one of them is aborted: Node's cost ~2 µs each to create and were
 * a tenth of the engine's CPU per poll. The bound keeps a pipeline policy that forgets to remove
 * its abort listener from piling listeners onto one signal.
 */
export class RequestControllers {
  #current: AbortController | undefined;
  #uses = 0;
  #guarded: GuardedClient | undefined;

  /**
   * The guarded client for this operation's requests through `client`: one for all of them (they
   * go one at a time), whose deadline aborts the request in flight.
   */
  guarded(client: HttpClient, guard: ClientGuard): GuardedClient {
    const guarded = this.#guarded;
    if (guarded !== undefined && guarded.inner === client && guarded.guard === guard) return guarded;
    return (this.#guarded = new GuardedClient(client, guard, () => this.#current?.abort()));
  }

  /** The controller for the next request. */
  next(): AbortController {
    const current = this.#current;
    if (current !== undefined && this.#uses < maxUsesPerController && !current.signal.aborted) {
      this.#uses++;
      return current;
    }
    this.#uses = 1;
    return (this.#current = new AbortController());
  }
}

/**
 * Sends one request through the pipeline and reports its response or failure to the callbacks
 * (never synchronously: the pipeline answers with a promise). Cancelling before the end aborts
 * the request: the transport drops the connection, and its late rejection goes nowhere. The
 * client is guarded (see {@link guardClient}): past `guard.requestTimeoutInMs` the request is aborted
 * and fails with a `TimeoutError`.
 *
 * A transport without a pipeline or client uses the defaults, loaded on the first such request:
 * until they are, nothing is sent, cancelling sends nothing at all, and a failed load is the
 * request's failure.
 *
 * Callbacks rather than an observable: the engine sends once per poll, and a subscriber chain per
 * request was much of its CPU and garbage.
 */
export function sendRequest(
  transport: Transport,
  request: RequestOptions,
  guard: ClientGuard,
  onResponse: (response: PipelineResponse) => void,
  onError: (error: unknown) => void,
  controllers?: RequestControllers,
): Cancel {
  const { pipeline, httpClient, gate } = transport;
  if (pipeline !== undefined && httpClient !== undefined) return sendThrough(pipeline, httpClient, gate, request, guard, onResponse, onError, controllers);
  const defaults = loadedDefaultTransport();
  if (defaults !== undefined) {
    return sendThrough(pipeline ?? defaults.pipeline, httpClient ?? defaults.httpClient, gate, request, guard, onResponse, onError, controllers);
  }
  let cancelled = false;
  let cancel: Cancel | undefined;
  loadDefaultTransport().then(
    (loaded) => {
      if (!cancelled) cancel = sendThrough(pipeline ?? loaded.pipeline, httpClient ?? loaded.httpClient, gate, request, guard, onResponse, onError, controllers);
    },
    (error: unknown) => {
      if (!cancelled) onError(error);
    },
  );
  return () => {
    cancelled = true;
    cancel?.();
  };
}

function sendThrough(
  pipeline: Pipeline,
  httpClient: HttpClient,
  gate: Transport["gate"],
  request: RequestOptions,
  guard: ClientGuard,
  onResponse: (response: PipelineResponse) => void,
  onError: (error: unknown) => void,
  controllers: RequestControllers | undefined,
): Cancel {
  // One controller serves both the cancel and the deadline.
  const controller = controllers === undefined ? new AbortController() : controllers.next();
  const guarded = controllers === undefined ? guardClient(httpClient, guard, () => controller.abort()) : controllers.guarded(httpClient, guard);
  let settled = false;
  // Not createPipelineRequest({ ...request, abortSignal }): V8 (Node 20) builds a literal that
  // spreads and then adds properties ~20× slower, and the request is slower to read afterwards.
  const pipelineRequest = createPipelineRequest(request);
  pipelineRequest.abortSignal = controller.signal;
  const client = gate === undefined ? guarded : gate.wrap(guarded);
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    // The response keeps its request (in every state's rawResponse); a finished request's
    // abort signal would only keep its controller and listeners alive with it.
    pipelineRequest.abortSignal = undefined;
    return true;
  };
  pipeline.sendRequest(client, pipelineRequest).then(
    (response) => {
      if (settle()) onResponse(response);
    },
    (error: unknown) => {
      if (settle()) onError(guarded.timedOut() && guard.requestTimeoutInMs !== undefined ? timeoutError(guard.requestTimeoutInMs) : error);
    },
  );
  return () => {
    guarded.dispose();
    if (settled) return;
    // The request keeps its signal: the pipeline's policies may still read it between attempts.
    settled = true;
    controller.abort();
  };
}

/** {@link sendRequest} as a cold observable: one request per subscription, unsubscribing cancels it. */
export function send(transport: Transport, request: RequestOptions, guard: ClientGuard): Observable<PipelineResponse> {
  return new Observable<PipelineResponse>((subscriber) =>
    sendRequest(
      transport,
      request,
      guard,
      (response) => {
        subscriber.next(response);
        subscriber.complete();
      },
      (error) => subscriber.error(error),
    ),
  );
}
