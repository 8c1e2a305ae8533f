/**
 * One measurement of one library, in this fresh process: `bench/index.ts` runs this once per
 * sample, so that no library runs on a heap, JIT state or timer list the other left behind.
 * Prints the sample as one JSON line after `SAMPLE `.
 *
 *   node --expose-gc --import tsx bench/sample.ts '{"kind":"cpu","library":"rx-lro","options":{…}}'
 * @module
 */
import type { Library } from "./contenders.js";
import { sampleCpu, type CpuOptions } from "./cpu.js";
import { sampleHeap, type HeapOptions } from "./heap.js";
import { sampleServer, type ServerScenario } from "./server-run.js";

export type SampleRequest =
  | { readonly kind: "cpu"; readonly library: Library; readonly options: CpuOptions }
  | { readonly kind: "heap"; readonly library: Library; readonly options: HeapOptions }
  | { readonly kind: "server"; readonly library: Library; readonly scenario: ServerScenario; readonly operations: number };

const request = JSON.parse(process.argv[2] ?? "null") as SampleRequest;
const sample =
  request.kind === "cpu"
    ? await sampleCpu(request.library, request.options)
    : request.kind === "heap"
      ? await sampleHeap(request.library, request.options)
      : await sampleServer(request.library, request.scenario, request.operations);
console.log(`SAMPLE ${JSON.stringify(sample)}`);
// The measurement is over: end now, whatever a library may still hold open.
process.exit(0);
