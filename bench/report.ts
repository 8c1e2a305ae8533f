/**
 * Shared bits of the benchmark: the machine, statistics, the tables it prints, and heap settling (`npm run load` uses it too).
 * @module
 */
import { cpus, totalmem } from "node:os";

/** The machine the numbers come from. */
export function machine(): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? "unknown CPU";
  return `${model}, ${list.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version} (${process.platform}-${process.arch})`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The nearest-rank percentile (0–100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** One row: what is measured, each side's figure, and how to print them. */
export interface Row {
  readonly label: string;
  readonly rx: number;
  readonly core: number;
  /** Decimals to print. @defaultValue 1 */
  readonly digits?: number;
  readonly unit?: string;
  /** No ratio for this row (e.g. counts where a ratio means nothing). */
  readonly noRatio?: boolean;
  /** The ratio to print, when it is not rx / core of the figures shown (the median of per-repetition ratios). */
  readonly ratio?: number;
}

function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Prints a titled table of rows: rx-lro, core-lro, and rx-lro / core-lro. */
export function printTable(title: string, rows: readonly Row[], notes: readonly string[] = []): string {
  const header = ["", "rx-lro", "@azure/core-lro", "rx / core"];
  const body = rows.map((row) => {
    const digits = row.digits ?? 1;
    const unit = row.unit === undefined ? "" : ` ${row.unit}`;
    const ratio = row.noRatio || (row.ratio === undefined && row.core === 0) ? "" : `${(row.ratio ?? row.rx / row.core).toFixed(2)}×`;
    return [row.label, `${format(row.rx, digits)}${unit}`, `${format(row.core, digits)}${unit}`, ratio];
  });
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((line) => line[column]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(" | ")} |`;
  const separator = `|${widths.map((width, column) => (column === 0 ? "-".repeat(width + 2) : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  const text = [`### ${title}`, "", line(header), separator, ...body.map(line), ...(notes.length === 0 ? [] : ["", ...notes.map((note) => `- ${note}`)]), ""].join("\n");
  console.log(text);
  return text;
}

/** How {@link settleHeap} decides the heap has settled. */
export interface SettleOptions {
  /** Full collections at most. @defaultValue 10 */
  readonly rounds?: number;
  /** A pass that frees less than this many bytes ends it. @defaultValue 1024 */
  readonly toleranceBytes?: number;
  /** A pause before each pass, for timers to fire too. @defaultValue 0 (none) */
  readonly pauseMs?: number;
}

/**
 * Forces full collections until the heap stops shrinking, and returns the heap used (needs
 * `--expose-gc`). Used by the benchmark and by `npm run load`.
 */
export async function settleHeap({ rounds = 10, toleranceBytes = 1024, pauseMs = 0 }: SettleOptions = {}): Promise<number> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error("Measuring the heap needs node --expose-gc (npm run bench and npm run load pass it)");
  let last = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    // Let pending microtasks and immediates (finalizers, settled promises) run between passes.
    await new Promise((resolve) => setImmediate(resolve));
    if (pauseMs > 0) await sleep(pauseMs);
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= last - toleranceBytes) return used;
    last = used;
  }
  return last;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
