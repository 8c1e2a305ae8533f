/**
 * `npm run bench`: rx-lro and @azure/core-lro side by side, in one process.
 *
 *   node --expose-gc --import tsx bench/index.ts [--only=cpu,heap,server,bundle] [--quick]
 *
 * See bench/README.md for what each measurement does.
 * @module
 */
import { createRequire } from "node:module";
import { rxLroEntry } from "./contenders.js";
import { runCpu, defaultCpuOptions } from "./cpu.js";
import { runBundle } from "./bundle.js";
import { defaultHeapOptions, runHeap } from "./heap.js";
import { defaultServerOptions, runServer } from "./server-run.js";
import { machine } from "./report.js";

const coreLroVersion = (createRequire(import.meta.url)("@azure/core-lro/package.json") as { version: string }).version;
const args = process.argv.slice(2);
const only = args.find((arg) => arg.startsWith("--only="))?.slice("--only=".length).split(",");
const quick = args.includes("--quick");
const wanted = (name: string) => only === undefined || only.includes(name);

console.log(
  `## rx-lro vs @azure/core-lro ${coreLroVersion}\n\nMachine: ${machine()}\n` +
    `rx-lro measured: ${rxLroEntry}${/\.[cm]?js$/.test(rxLroEntry) ? "" : " (built with esbuild as npm run build does)"}; ` +
    `@azure/core-lro ${coreLroVersion} from its published build; run ${new Date().toISOString()}\n`,
);
if (wanted("cpu")) await runCpu(quick ? { ...defaultCpuOptions, operations: 2_000, runs: 3, warmupOperations: 500 } : defaultCpuOptions);
if (wanted("heap")) await runHeap(quick ? { operations: 2_000, runs: 1 } : defaultHeapOptions);
if (wanted("bundle")) await runBundle();
if (wanted("server")) await runServer(quick ? { ...defaultServerOptions, operations: 200 } : defaultServerOptions);
