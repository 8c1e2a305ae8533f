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

/**
 * How an answer goes wrong on the wire (fault injection; only a hook sets one):
 * - `"reset"`: the connection is destroyed before anything is written, so the client sees
 *   the connection reset (`ECONNRESET`, "socket hang up") instead of a response;
 * - `"reset-mid-body"`: the status line, the headers (with the full `content-length`) and half
 *   of the body are written, then the connection is destroyed;
 * - `"stall-mid-body"`: the same, but the connection is then left open and the body never
 *   finishes (until the client gives up or the server closes).
 */
export type WireFault = "reset" | "reset-mid-body" | "stall-mid-body";

/** A response as data: what a handler produces and what a hook may return instead. */
export interface ArmResponse {
  readonly status: number;
  /** Response headers, lower-case names. `content-type` and `content-length` are added for a JSON `body`. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Headers sent once per value, as repeated header lines (a fault a hook may inject, e.g. two
   * `Retry-After`s that disagree). Lower-case names; they replace `headers` of the same name.
   */
  readonly repeatedHeaders?: Readonly<Record<string, readonly string[]>>;
  /** A JSON body; `undefined` sends none. */
  readonly body?: unknown;
  /** A raw body (with its own `content-type` header); wins over `body`. */
  readonly raw?: string | Buffer;
  /** Answer wrongly on the wire: see {@link WireFault}. The request is recorded with the fault. */
  readonly fault?: WireFault;
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
