import { styleText } from "node:util";
import { isTerminalState, type LroState } from "../../lib/index.js";
import type { Scenario } from "./scenarios.js";

/** What the dashboard knows about one operation. */
export interface Row {
  readonly scenario: Scenario;
  readonly startedAt: number;
  state?: LroState;
  /** The last state before the stream was resumed from its token. */
  resumedFrom?: LroState;
  polls: number;
  endedAt?: number;
  error?: Error;
}

type Style = Parameters<typeof styleText>[0];

const statusStyle: Record<string, Style> = {
  succeeded: "green",
  failed: "red",
  canceled: "yellow",
  error: "red",
  running: "cyan",
  notStarted: "gray",
};

function paint(style: Style, text: string, color: boolean): string {
  return color ? styleText(style, text) : text;
}

function bar(percent: number | undefined, width: number): string {
  if (percent === undefined) return "·".repeat(width);
  const filled = Math.round((percent / 100) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

function outcome(row: Row): string {
  if (row.error !== undefined) return "error";
  return row.state?.status ?? "notStarted";
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function percentOf(row: Row): number | undefined {
  const state = row.state;
  if (state === undefined) return undefined;
  if (state.status === "succeeded") return 100;
  return state.percentComplete;
}

/** One line per operation: name, progress bar, provider status, polls, next delay. */
export function renderDashboard(rows: readonly Row[], now: number, color: boolean): string {
  const lines = rows.map((row) => {
    const state = row.state;
    const status = outcome(row);
    const percent = percentOf(row);
    const next = state?.nextPollInMs === undefined ? "" : `next ${seconds(state.nextPollInMs)}`;
    return [
      row.scenario.name.padEnd(26),
      paint(statusStyle[status] ?? "white", bar(percent, 20), color),
      `${percent === undefined ? "  -" : String(Math.round(percent)).padStart(3)}%`,
      paint(statusStyle[status] ?? "white", status.padEnd(10), color),
      (row.error?.name ?? state?.providerStatus ?? "").padEnd(18),
      `polls ${String(row.polls).padStart(2)}`,
      next.padEnd(10),
      row.resumedFrom === undefined ? "" : paint("magenta", "resumed", color),
    ].join("  ");
  });
  // Not `endedAt`: an interrupted stream ends too (unsubscribed), but its operation has not finished.
  const done = rows.filter((row) => row.error !== undefined || (row.state !== undefined && isTerminalState(row.state))).length;
  return [`rx-lro demo: ${done}/${rows.length} operations finished, ${seconds(now - rows[0]!.startedAt)} elapsed`, "", ...lines].join("\n");
}

/** A plain line for one new state, for terminals that cannot redraw (CI, pipes). */
export function renderUpdate(row: Row, now: number): string {
  const state = row.state;
  const percent = percentOf(row);
  const parts = [
    `[${seconds(now - row.startedAt).padStart(6)}]`,
    row.scenario.name.padEnd(26),
    outcome(row).padEnd(10),
    row.error === undefined ? (state?.providerStatus ?? "") : `${row.error.name}: ${row.error.message}`,
    percent === undefined ? "" : `${Math.round(percent)}%`,
    `polls ${row.polls}`,
    state?.nextPollInMs === undefined ? "" : `next in ${state.nextPollInMs} ms`,
  ];
  return parts.filter((part) => part !== "").join("  ");
}

/** A short description of a result: the resource's name and state, a status body's status, or the JSON. */
function describeResult(result: unknown): string {
  if (result === undefined || result === null) return "(no content)";
  if (typeof result !== "object") return String(result);
  const { name, status, properties, migrationId, movedItems } = result as Record<string, unknown>;
  const provisioning = (properties as { provisioningState?: unknown } | undefined)?.provisioningState;
  if (typeof migrationId === "string") return `migration ${migrationId.slice(0, 8)}…, ${String(movedItems)} items moved`;
  if (typeof name === "string" && provisioning !== undefined) return `widget ${name}, ${String(provisioning)}`;
  if (typeof status === "string") return `operation status ${status}`;
  return JSON.stringify(result).slice(0, 60);
}

/** The table printed when every operation has ended. */
export function renderSummary(rows: readonly Row[]): string {
  const header = ["operation".padEnd(26), "outcome".padEnd(10), "strategy".padEnd(20), "polls", "elapsed", "result / error"].join("  ");
  const lines = rows.map((row) => {
    const state = row.state;
    const detail =
      row.error !== undefined
        ? row.error.message
        : state?.status === "succeeded"
          ? describeResult(state.result)
          : `${state?.error?.code ?? ""}: ${state?.error?.message ?? ""}`;
    return [
      row.scenario.name.padEnd(26),
      outcome(row).padEnd(10),
      (state?.strategy ?? "-").padEnd(20),
      String(row.polls).padStart(5),
      seconds((row.endedAt ?? row.startedAt) - row.startedAt).padStart(7),
      detail,
    ].join("  ");
  });
  return [header, "-".repeat(header.length + 20), ...lines].join("\n");
}
