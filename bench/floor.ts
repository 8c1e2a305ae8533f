/**
 * The floor of measurement 1 (not part of `npm run bench`): what any poller pays per poll on this
 * client with no library at all. Each operation is a loop of `createPipelineRequest` +
 * `pipeline.sendRequest` + `JSON.parse` + a `setTimeout(0)` wait, on the same in-memory
 * `HttpClient`, empty pipeline, counts and concurrency as measurement 1, with one
 * `AbortController` per operation (`--no-abort`: none).
 *
 *   node --expose-gc --import tsx bench/floor.ts [--no-abort]
 * @module
 */
import { createEmptyPipeline, createHttpHeaders, createPipelineRequest, type HttpMethods } from "@azure/core-rest-pipeline";
import { defaultCpuOptions } from "./cpu.js";
import { InMemoryArm } from "./in-memory-arm.js";
import { median, settleHeap } from "./report.js";

const { operations, polls, concurrency, warmupOperations } = defaultCpuOptions;
const runs = 3;
const withAbort = !process.argv.includes("--no-abort");
const arm = new InMemoryArm({ operations, inProgressPolls: polls - 1 });
const pipeline = createEmptyPipeline();

async function follow(index: number): Promise<void> {
  const abortSignal = withAbort ? new AbortController().signal : undefined;
  const send = (url: string, method: HttpMethods) =>
    pipeline.sendRequest(arm, createPipelineRequest({ url, method, headers: createHttpHeaders({ accept: "application/json" }), abortSignal }));
  const initial = await send(arm.resourceUrl(index), "PUT");
  JSON.parse(initial.bodyAsText!);
  const monitor = initial.headers.get("azure-asyncoperation")!;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const poll = await send(monitor, "GET");
    if ((JSON.parse(poll.bodyAsText!) as { status: string }).status === "Succeeded") break;
  }
  JSON.parse((await send(arm.resourceUrl(index), "GET")).bodyAsText!);
}

async function drive(total: number): Promise<void> {
  arm.reset();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await follow(next++);
  }));
}

for (let round = 0; round < 2; round++) await drive(warmupOperations);
const samples: number[] = [];
for (let run = 0; run < runs; run++) {
  await settleHeap();
  const cpu0 = process.cpuUsage();
  await drive(operations);
  const cpu = process.cpuUsage(cpu0);
  samples.push((cpu.user + cpu.system) / (operations * polls));
}
console.log(`floor (${withAbort ? "one AbortController per operation" : "no AbortController"}): ${median(samples).toFixed(2)} µs CPU per poll (runs: ${samples.map((s) => s.toFixed(2)).join(", ")})`);
