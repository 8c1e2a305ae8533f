/**
 * The loopback ARM server of the load test, either in this process or in a child process, behind
 * one small asynchronous interface (`LoadServer`) so the harness does not care which.
 *
 * The script (`load/run.ts`) puts the server in a child process by default: the server keeps a
 * record of every operation it started (10,000 snapshots' worth, plus sockets and parsers), and
 * in-process that record would sit in the very heap whose return to baseline is being measured;
 * it would also answer requests on the event loop the client's timers run on, so the lateness
 * of polls would measure the server's work as much as the client's. A child process is a
 * separate heap, RSS and event loop (the machine has 2 cores: one each). The spec uses the
 * in-process server: 500 operations, no memory check.
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  startArmServer,
  type ArmResponse,
  type ArmServer,
  type ArmServerOptions,
  type HookContext,
  type OperationSnapshot,
  type ServerStats,
} from "../server/index.js";

/** The server options the load test sets (plain data: they cross a process boundary). */
export type LoadServerOptions = Pick<ArmServerOptions, "duration" | "retryAfter" | "maxOperations" | "requestLog">;

/** What the harness needs of one operation in the server's record. */
export type OperationRecord = Pick<
  OperationSnapshot,
  | "id"
  | "kind"
  | "method"
  | "status"
  | "terminal"
  | "outcome"
  | "lroHeaders"
  | "retryAfter"
  | "durationMs"
  | "polls"
  | "statusPolls"
  | "locationPolls"
  | "resourceGets"
  | "terminalServedAt"
>;

/** The server's own record: its totals and every operation it holds, and how the polls were paced. */
export interface ServerRecord {
  readonly stats: ServerStats;
  readonly operations: readonly OperationRecord[];
  readonly pacing: PacingSummary;
  /** CPU time (user + system) of the server's process since start or reset; absent in-process (it would be the client's too). */
  readonly cpuMs?: number;
}

/**
 * How polls were spaced, by the server's clock: from the moment a response left with
 * `Retry-After` to the arrival of that operation's next poll, minus the Retry-After (the
 * lateness; negative is a poll sent too early), and, for operations whose responses carry no
 * Retry-After, the gap between a running response and the next poll (the client's jittered
 * fallback interval, plus any queueing).
 */
export interface PacingSummary {
  /** Polls that followed a response with Retry-After. */
  readonly retryAfterPolls: number;
  readonly latenessMinMs: number;
  readonly latenessP50Ms: number;
  readonly latenessP99Ms: number;
  readonly latenessMaxMs: number;
  /** Polls that arrived more than {@link earlyToleranceMs} before their Retry-After had passed. */
  readonly early: number;
  /** Polls that followed a running response without Retry-After. */
  readonly fallbackPolls: number;
  readonly fallbackGapMinMs: number;
  readonly fallbackGapP50Ms: number;
  readonly fallbackGapMaxMs: number;
  /** Distinct fallback gaps, rounded to 10 ms: lockstep polling would show very few. */
  readonly fallbackGapDistinct10Ms: number;
}

/**
 * Timers run on libuv's clock, which has millisecond resolution, so a poll may arrive up to a
 * millisecond before the exact instant; more than that is a poll sent too early.
 */
export const earlyToleranceMs = 1;

/** A sub-millisecond epoch clock for the server, so lateness is measured to the microsecond. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** Watches, through a `beforeRespond` hook that changes nothing, how each operation's polls are spaced. */
export class PollPacing {
  /** Operation id → when its next poll is allowed (the last response left + Retry-After). */
  #due = new Map<string, number>();
  /** Operation id → when its last running response without Retry-After left. */
  #fallbackFrom = new Map<string, number>();
  #lateness: number[] = [];
  #gaps: number[] = [];

  constructor(private readonly now: () => number) {}

  readonly hooks = {
    beforeRespond: (context: HookContext, response: ArmResponse): undefined => {
      const id = context.operationId;
      if (id === undefined) return undefined;
      if (context.kind === "statusPoll" || context.kind === "locationPoll") {
        const due = this.#due.get(id);
        if (due !== undefined) {
          this.#lateness.push(context.at - due);
          this.#due.delete(id);
        }
        const from = this.#fallbackFrom.get(id);
        if (from !== undefined) {
          this.#gaps.push(context.at - from);
          this.#fallbackFrom.delete(id);
        }
      } else if (context.kind !== "initial") {
        return undefined;
      }
      const retryAfter = response.headers?.["retry-after"];
      if (retryAfter !== undefined) {
        this.#due.set(id, this.now() + Number(retryAfter) * 1000);
      } else if (response.status < 300 && !PollPacing.#terminal(context, response)) {
        this.#fallbackFrom.set(id, this.now());
      }
      return undefined;
    },
  };

  /** Whether the response tells the client the operation is over (so no poll follows). */
  static #terminal(context: HookContext, response: ArmResponse): boolean {
    if (context.kind === "initial") return false;
    if (context.kind === "locationPoll") return response.status !== 202;
    const status = (response.body as { status?: unknown } | undefined)?.status;
    return status === "Succeeded" || status === "Failed" || status === "Canceled";
  }

  summary(): PacingSummary {
    const lateness = Float64Array.from(this.#lateness).sort();
    const gaps = Float64Array.from(this.#gaps).sort();
    return {
      retryAfterPolls: lateness.length,
      latenessMinMs: lateness.length === 0 ? Number.NaN : lateness[0]!,
      latenessP50Ms: percentile(lateness, 50),
      latenessP99Ms: percentile(lateness, 99),
      latenessMaxMs: lateness.length === 0 ? Number.NaN : lateness[lateness.length - 1]!,
      early: lateness.filter((late) => late < -earlyToleranceMs).length,
      fallbackPolls: gaps.length,
      fallbackGapMinMs: gaps.length === 0 ? Number.NaN : gaps[0]!,
      fallbackGapP50Ms: percentile(gaps, 50),
      fallbackGapMaxMs: gaps.length === 0 ? Number.NaN : gaps[gaps.length - 1]!,
      fallbackGapDistinct10Ms: new Set(Array.from(gaps, (gap) => Math.round(gap / 10))).size,
    };
  }

  reset(): void {
    this.#due.clear();
    this.#fallbackFrom.clear();
    this.#lateness = [];
    this.#gaps = [];
  }
}

/** The server, wherever it runs. */
export interface LoadServer {
  readonly url: string;
  readonly where: "in-process" | "child process";
  /** The child's pid, when it runs in one. */
  readonly pid?: number;
  /** Forgets every operation, widget and counter (after a warm-up). */
  reset(): Promise<void>;
  record(): Promise<ServerRecord>;
  close(): Promise<void>;
}

/** A message to the child. */
export type ServerCommand =
  | { readonly type: "start"; readonly options: LoadServerOptions }
  | { readonly type: "reset" }
  | { readonly type: "record" }
  | { readonly type: "close" };

/** The child's answer to a command. */
export type ServerReply =
  | { readonly type: "started"; readonly url: string }
  | { readonly type: "done" }
  | { readonly type: "record"; readonly record: ServerRecord }
  | { readonly type: "failed"; readonly message: string };

function slim(operation: OperationSnapshot): OperationRecord {
  const { id, kind, method, status, terminal, outcome, lroHeaders, retryAfter, durationMs, polls, statusPolls, locationPolls, resourceGets, terminalServedAt } =
    operation;
  return {
    id,
    kind,
    method,
    status,
    terminal,
    outcome,
    lroHeaders,
    retryAfter,
    durationMs,
    polls,
    statusPolls,
    locationPolls,
    resourceGets,
    ...(terminalServedAt === undefined ? {} : { terminalServedAt }),
  };
}

/** A server with its pacing meter, as both the in-process and the child-process variants run it. */
export interface PacedServer {
  readonly server: ArmServer;
  readonly pacing: PollPacing;
  /** Whether the process is the server's alone (then its CPU time is the server's). */
  readonly ownProcess: boolean;
  cpuSince: NodeJS.CpuUsage;
}

/** Starts the ARM server with the pacing hook and the precise clock. */
export async function startPacedServer(options: LoadServerOptions, ownProcess = false): Promise<PacedServer> {
  const pacing = new PollPacing(preciseNow);
  const server = await startArmServer({
    ...options,
    now: preciseNow,
    hooks: pacing.hooks,
    onError: (error) => console.error("server error:", error),
  });
  return { server, pacing, ownProcess, cpuSince: process.cpuUsage() };
}

/** Reads the record of a server running in this process. */
export function recordOf({ server, pacing, ownProcess, cpuSince }: PacedServer): ServerRecord {
  const cpu = process.cpuUsage(cpuSince);
  return {
    stats: server.stats(),
    operations: server.operations().map(slim),
    pacing: pacing.summary(),
    ...(ownProcess ? { cpuMs: (cpu.user + cpu.system) / 1000 } : {}),
  };
}

/** Forgets everything the server and its pacing meter hold. */
export function resetPaced(paced: PacedServer): void {
  paced.server.reset();
  paced.pacing.reset();
  paced.cpuSince = process.cpuUsage();
}

/** Starts the server in this process. */
export async function startInProcessServer(options: LoadServerOptions): Promise<LoadServer> {
  const paced = await startPacedServer(options);
  return {
    url: paced.server.url,
    where: "in-process",
    reset: async () => resetPaced(paced),
    record: async () => recordOf(paced),
    close: () => paced.server.close(),
  };
}

/**
 * Starts the server in a child process (`load/server-process.ts`, run by tsx), driven over IPC:
 * one command at a time, answered in order.
 */
export async function startChildServer(options: LoadServerOptions): Promise<LoadServer> {
  const entry = fileURLToPath(new URL("./server-process.ts", import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    execArgv: ["--import", "tsx"],
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending: ((reply: ServerReply) => void)[] = [];
  let exited: Error | undefined;
  child.on("message", (reply: ServerReply) => pending.shift()?.(reply));
  child.on("exit", (code, signal) => {
    exited = new Error(`the server process exited (code ${code}, signal ${signal})`);
    for (const settle of pending.splice(0)) settle({ type: "failed", message: exited.message });
  });
  const send = (command: ServerCommand): Promise<ServerReply> =>
    new Promise((resolve) => {
      if (exited !== undefined) return resolve({ type: "failed", message: exited.message });
      pending.push(resolve);
      child.send(command);
    });
  const expect = async <T extends ServerReply["type"]>(command: ServerCommand, type: T): Promise<Extract<ServerReply, { type: T }>> => {
    const reply = await send(command);
    if (reply.type !== type) throw new Error(`server process: ${command.type} → ${reply.type === "failed" ? reply.message : reply.type}`);
    return reply as Extract<ServerReply, { type: T }>;
  };

  const { url } = await expect({ type: "start", options }, "started");
  let closing: Promise<void> | undefined;
  return {
    url,
    where: "child process",
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    reset: async () => void (await expect({ type: "reset" }, "done")),
    record: async () => (await expect({ type: "record" }, "record")).record,
    close: () =>
      (closing ??= (async () => {
        if (exited === undefined) {
          const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          await expect({ type: "close" }, "done").catch(() => undefined);
          child.disconnect();
          await gone;
        }
      })()),
  };
}

/** Starts the server where asked. */
export function startLoadServer(where: "in-process" | "child", options: LoadServerOptions): Promise<LoadServer> {
  return where === "child" ? startChildServer(options) : startInProcessServer(options);
}
