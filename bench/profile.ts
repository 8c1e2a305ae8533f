/**
 * Profiling helper (not part of `npm run bench`): runs one library's side of measurement 1 alone,
 * so that `--cpu-prof` sees only it.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile.ts rx-lro [operations] [polls]
 *
 * `polls` (10 by default, as in measurement 1) counts the last, `Succeeded`, one: 1 weighs what
 * starting and ending an operation costs.
 *
 *   node --import tsx bench/summarize-profile.ts /tmp/prof/<file>.cpuprofile
 * @module
 */
import { drive, inMemorySetup, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";

const library = (process.argv[2] ?? "rx-lro") as Library;
const operations = Number(process.argv[3] ?? 20_000);
const polls = Number(process.argv[4] ?? 10);
const arm = new InMemoryArm({ operations, inProgressPolls: polls - 1 });
const setup = inMemorySetup(arm);
const cpu0 = process.cpuUsage();
await drive(library, setup, operations, 1_000);
const cpu = process.cpuUsage(cpu0);
console.log(`${library}: ${operations} operations, ${((cpu.user + cpu.system) / operations).toFixed(1)} µs CPU per operation`, arm.counts);
