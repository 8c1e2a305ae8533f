/**
 * Extension points for changing what the server answers: the seam where fault injection
 * (throttling, 5xx, slow or dropped answers, corrupted bodies) plugs in without touching the
 * handlers. Only ARM routes go through hooks; `/_admin` and static files never do, so a test can
 * always read the record of a faulty run.
 * @module
 */
import type { IncomingHttpHeaders } from "node:http";
import type { RequestKind } from "./recorder.js";
import type { RouteName } from "./router.js";

/** A response as data: what a handler produces and what a hook may return instead. */
export interface ArmResponse {
  readonly status: number;
  /** Response headers, lower-case names. `content-type` and `content-length` are added for a JSON `body`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body; `undefined` sends none. */
  readonly body?: unknown;
  /** A raw body (with its own `content-type` header); wins over `body`. */
  readonly raw?: string | Buffer;
}

/** What a hook knows about the request. */
export interface HookContext {
  /** Arrival order, as in the request log. */
  readonly seq: number;
  /** Arrival time by the server's clock. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly route: RouteName;
  readonly kind: RequestKind;
  /**
   * The operation concerned: for polls, from the URL (even an unknown id); in `beforeRespond`,
   * also the operation an initial request started or a resource GET observed.
   */
  readonly operationId: string | undefined;
  /** The parsed JSON body of the request, if it had one. */
  readonly body: unknown;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * Hooks consulted for each ARM request, in order. A hook that throws makes the request a 500,
 * like a handler that throws; it never takes the server down.
 */
export interface ArmServerHooks {
  /**
   * Before the handler runs (after routing, the api-version check and reading the body): return
   * a response to answer with it instead, skipping the handler and its effects (no operation is
   * started, as with a real throttled or failed request).
   */
  beforeHandle?(context: HookContext): MaybePromise<ArmResponse | undefined>;
  /** Before the response is written: return a replacement (e.g. a delayed or corrupted copy). */
  beforeRespond?(context: HookContext, response: ArmResponse): MaybePromise<ArmResponse | undefined>;
}
