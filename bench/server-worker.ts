/**
 * The loopback ARM server of measurement 3, in a process of its own, so that answering 1,000
 * clients neither steals the event loop the measured clients run on (their timers' lateness is
 * what is measured) nor counts in the client process's CPU time. Driven by messages from
 * bench/server-run.ts, which forks it.
 *
 * A `beforeRespond` hook (which changes nothing) notes when each response left and its
 * `Retry-After`, so that lateness is measured from the response, not the request's arrival.
 * @module
 */
import { startArmServer, type ArmServer, type ArmServerOptions, type OperationSnapshot, type RequestRecord } from "../server/index.js";

export type ServerCommand =
  | { readonly type: "start"; readonly options: Pick<ArmServerOptions, "duration" | "retryAfter"> }
  | { readonly type: "reset" }
  | { readonly type: "collect" }
  | { readonly type: "close" };

/** When a response was handed to the socket, and the `Retry-After` it carried. */
export interface ResponseNote {
  readonly respondAt: number;
  readonly retryAfter?: string;
}

export interface ServerRecord {
  readonly operations: readonly OperationSnapshot[];
  /** Each operation's requests, in arrival order. */
  readonly requests: Readonly<Record<string, readonly RequestRecord[]>>;
  /** By request `seq`. */
  readonly responses: Readonly<Record<number, ResponseNote>>;
  readonly armRequests: number;
  readonly byStatus: Readonly<Record<string, number>>;
}

export type ServerReply = { readonly type: "started"; readonly url: string } | { readonly type: "done" } | { readonly type: "record"; readonly record: ServerRecord };

const send = process.send?.bind(process);
if (send === undefined) throw new Error("server-worker.ts runs as a child process (bench/server-run.ts forks it)");

// A sub-millisecond epoch clock: request arrival and response times to the microsecond.
const now = () => performance.timeOrigin + performance.now();
let server: ArmServer | undefined;
let responses = new Map<number, ResponseNote>();

process.on("message", (command: ServerCommand) => {
  void (async (): Promise<ServerReply> => {
    switch (command.type) {
      case "start":
        await server?.close();
        responses = new Map();
        server = await startArmServer({
          ...command.options,
          now,
          requestLog: { perOperation: 1_000, total: 0 },
          hooks: {
            beforeRespond: (context, response) => {
              const retryAfter = response.headers?.["retry-after"];
              responses.set(context.seq, { respondAt: now(), ...(retryAfter === undefined ? {} : { retryAfter }) });
              return undefined;
            },
          },
        });
        return { type: "started", url: server.url };
      case "reset":
        server?.reset();
        responses = new Map();
        return { type: "done" };
      case "collect": {
        const live = server as ArmServer;
        const operations = live.operations();
        const requests: Record<string, RequestRecord[]> = {};
        for (const operation of operations) requests[operation.id] = live.requests(operation.id);
        const stats = live.stats();
        return {
          type: "record",
          record: { operations, requests, responses: Object.fromEntries(responses), armRequests: stats.requests.arm, byStatus: stats.requests.byStatus },
        };
      }
      case "close":
        await server?.close();
        server = undefined;
        return { type: "done" };
    }
  })().then((reply) => send(reply));
});
