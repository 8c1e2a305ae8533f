/**
 * How many runs each property makes. The defaults keep `npx vitest run spec/properties` around
 * 20 s on a 2-core machine; `PROPERTY_RUNS=3000` (say) soaks every property for longer, and a
 * failure prints fast-check's seed and path (`fc.assert(…, { seed, path })` replays it).
 */
export function numRuns(normal: number): number {
  const asked = Number(process.env.PROPERTY_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : normal;
}

/** A vitest timeout for a property of `runs` runs costing about `msPerRun` each, with room to shrink. */
export function timeoutFor(runs: number, msPerRun: number): number {
  return Math.max(60_000, runs * msPerRun * 4);
}
