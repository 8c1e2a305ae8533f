/**
 * Timer-counting helper (not part of `npm run bench`): runs one library's side of measurement 1
 * after a warm-up, counting the timers it sets and the callbacks that fire (each one wakes the
 * event loop), with the run's CPU and wall time.
 *
 *   node --expose-gc --import tsx bench/timer-count.ts rx-lro [concurrency] [intervalInMs]
 * @module
 */
import { drive, inMemorySetup, type Library } from "./contenders.js";
import { InMemoryArm } from "./in-memory-arm.js";

const library = (process.argv[2] ?? "rx-lro") as Library;
const concurrency = Number(process.argv[3] ?? 100);
const intervalInMs = Number(process.argv[4] ?? 0);
const operations = 10_000;
const arm = new InMemoryArm({ operations, inProgressPolls: 9 });
const setup = { ...inMemorySetup(arm), intervalInMs };
await drive(library, setup, 2_000, concurrency);
arm.reset();

const counts = { setTimeout: 0, setInterval: 0, clearInterval: 0, fired: 0 };
type Schedule = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => unknown;
function counted(schedule: Schedule, name: "setTimeout" | "setInterval"): Schedule {
  return (callback, delay, ...args) => {
    counts[name]++;
    return schedule(
      (...given: unknown[]) => {
        counts.fired++;
        callback(...given);
      },
      delay,
      ...args,
    );
  };
}
const timers = globalThis as unknown as Record<"setTimeout" | "setInterval", Schedule> & { clearInterval: (handle: unknown) => void };
const clearInterval = timers.clearInterval;
timers.setTimeout = counted(timers.setTimeout, "setTimeout");
timers.setInterval = counted(timers.setInterval, "setInterval");
timers.clearInterval = (handle) => {
  counts.clearInterval++;
  clearInterval(handle);
};

const cpu0 = process.cpuUsage();
const t0 = performance.now();
await drive(library, setup, operations, concurrency);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  `${library}, ${concurrency} in flight, intervalInMs ${intervalInMs}: ${JSON.stringify(counts)}; CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, wall ${wallMs.toFixed(0)} ms, ${arm.counts.polls} polls`,
);
