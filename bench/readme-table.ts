/**
 * Regenerates README.md's performance table from the saved output of a full `npm run bench`:
 *
 *   npm run bench | tee /tmp/bench-output.md
 *   node --import tsx bench/readme-table.ts /tmp/bench-output.md          # prints the table
 *   node --import tsx bench/readme-table.ts /tmp/bench-output.md --write  # and writes it into README.md
 *
 * The table goes between the `<!-- bench-table:start -->` and `<!-- bench-table:end -->` markers,
 * and the run itself, verbatim, under bench/README.md's "Last results".
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";

const [file, flag] = process.argv.slice(2);
if (file === undefined) throw new Error("usage: readme-table.ts bench-output.md [--write]");
const output = readFileSync(file, "utf8");

interface Cells {
  readonly rx: string;
  readonly core: string;
  readonly ratio: string;
}

/** The cells of the row labelled `label` in the first table whose heading contains every one of `heading`. */
function cells(heading: readonly string[], label: string): Cells {
  const sections = output.split(/^### /m).slice(1);
  const section = sections.find((text) => heading.every((part) => text.split("\n")[0]!.includes(part)));
  if (section === undefined) throw new Error(`no table headed ${JSON.stringify(heading)} in ${file}`);
  const line = section.split("\n").find((text) => text.startsWith("|") && text.split("|")[1]!.trim() === label);
  if (line === undefined) throw new Error(`no row ${JSON.stringify(label)} under ${JSON.stringify(heading)}`);
  const [, , rx, core, ratio] = line.split("|").map((cell) => cell.trim());
  return { rx: rx!, core: core!, ratio: ratio! };
}

const header = output.match(/^Machine: (.*)$/m)?.[1] ?? "unknown machine";
const measured = output.match(/^rx-lro measured: (.*?);/m)?.[1] ?? "?";
const commit = output.match(/^Commit: (.*)$/m)?.[1] ?? "?";
const took = output.match(/^Bench took (.*)\.$/m)?.[1] ?? "?";
const reps = output.match(/, (\d+) repetitions;/)?.[1] ?? "?";

const rows: string[] = [];
const add = (what: string, found: Cells) => rows.push(`| ${what} | ${found.rx} | ${found.core} | ${found.ratio} |`);
// One row pair per CPU table the run printed, in its order (bench/index.ts decides which it runs).
const cpuTables = [...output.matchAll(/^### 1\. CPU per poll: .*?, ([\d,]+) in flight, intervalInMs: (\d+),/gm)];
if (cpuTables.length === 0) throw new Error(`no CPU-per-poll table in ${file}`);
for (const [, inFlight, interval] of cpuTables) {
  const heading = [`${inFlight} in flight`, `intervalInMs: ${interval}`];
  add(`CPU per poll, ${inFlight} in flight, \`intervalInMs: ${interval}\``, cells(heading, "CPU per poll (user+system)"));
  add(`  GC pauses in that run`, cells(heading, "GC pauses"));
}
add("Heap per operation parked between polls (10,000)", cells(["Memory per in-flight operation"], "Heap per parked operation"));
add("RSS per parked operation", cells(["Memory per in-flight operation"], "RSS per parked operation"));
const scenarios: [string, string[]][] = [
  ["Retry-After 0 s, all at once", ["Retry-After: 0 s", "all started at once"]],
  ["Retry-After 1 s, all at once", ["Retry-After: 1 s", "all started at once"]],
  ["Retry-After 0 s, spread over 1 s", ["Retry-After: 0 s", "spread"]],
  ["Retry-After 1 s, spread over 1 s", ["Retry-After: 1 s", "spread"]],
];
for (const [name, heading] of scenarios) {
  add(`Loopback server, 1,000 operations, ${name}: client CPU per request`, cells(heading, "Client CPU per request sent (median)"));
  add(`  client CPU, whole run`, cells(heading, "Client CPU, whole run (median)"));
}
{
  // The minimum comes from the server's record of that run: a late poll can make a later one unnecessary.
  const sent = cells(scenarios[1]![1], "Requests sent (server record, worst run)");
  const minimum = cells(scenarios[1]![1], "Minimum needed");
  add("  Retry-After 1 s, all at once: requests sent (minimum needed, from the server's record)", {
    rx: `${sent.rx} (${minimum.rx})`,
    core: `${sent.core} (${minimum.core})`,
    ratio: "",
  });
}
add("  same: polls sent > 1 ms before their Retry-After", cells(scenarios[1]![1], "Polls sent > 1 ms before Retry-After elapsed (worst run)"));
add("Bundle min+gzip, marginal (rxjs, core-rest-pipeline external)", cells(["Bundle size"], "Marginal: rxjs + core-rest-pipeline & deps external, min+gzip"));
add("Bundle min+gzip, everything included", cells(["Bundle size"], "Everything bundled, min+gzip"));
add("Bundle min+gzip, everything included, the app brings its own pipeline and client", cells(["Bundle size"], "Everything bundled, the app brings its own pipeline and client, min+gzip"));

const table = [
  `Last full run: ${commit}, ${measured}; ${header}; ${reps} repetitions, each sample in a fresh process, libraries interleaved; figures are medians, ratios the median of per-repetition ratios; the run took ${took}. The machine was shared with other jobs: compare within the run, not across runs.`,
  "",
  "| measurement | rx-lro | core-lro | rx / core |",
  "|---|---:|---:|---:|",
  ...rows,
].join("\n");

if (flag === "--write") {
  const readme = readFileSync("README.md", "utf8");
  const start = "<!-- bench-table:start -->";
  const end = "<!-- bench-table:end -->";
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} markers`);
  writeFileSync("README.md", `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
  const benchReadme = readFileSync("bench/README.md", "utf8");
  const results = benchReadme.indexOf("## Last results");
  if (results < 0) throw new Error('bench/README.md has no "## Last results" section');
  // The run as printed, without npm's own "> script" lines.
  const run = output.split("\n").filter((line) => !line.startsWith("> ")).join("\n").trim();
  writeFileSync("bench/README.md", `${benchReadme.slice(0, results)}## Last results\n\nLast full run of \`npm run bench\` (${commit}), verbatim:\n\n${run}\n`);
}
console.log(table);
