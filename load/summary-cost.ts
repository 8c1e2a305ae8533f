/**
 * Minimal reproduction of a cost the load test showed: with N operations watched by one hub,
 * every batch of state changes makes `states$` copy all N entries (`new Map(latestById)`) and
 * `summary$` recount all N, so a dashboard that subscribes pays O(N) per batch. When responses
 * arrive one per tick (few requests in flight, e.g. the default `maxConcurrentPolls: 6`), that
 * is O(N) per poll.
 *
 * No network: an in-memory HttpClient answers each poll `InProgress` + `retry-after-ms: 1` on the
 * next macrotask (so polls are always due and the gate is the limit), one request at a time (`maxConcurrentPolls: 1`), so every state is its own
 * batch. Prints polls per second with and without a `summary$` subscriber, for N = 1,000 and
 * 10,000.
 *
 *   node --import tsx load/summary-cost.ts
 * @module
 */
import { createHttpHeaders, createPipelineFromOptions, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { createLroHub } from "../lib/index.js";

const answering: HttpClient = {
  sendRequest: (request: PipelineRequest) =>
    new Promise<PipelineResponse>((resolve) =>
      setImmediate(() =>
        resolve({
          request,
          status: 200,
          headers: createHttpHeaders({ "content-type": "application/json", "retry-after-ms": "1" }),
          bodyAsText: '{"status":"InProgress"}',
        }),
      ),
    ),
};

async function pollsPerSecond(watched: number, subscribeSummary: boolean, seconds = 3): Promise<number> {
  let polls = 0;
  const httpClient: HttpClient = { sendRequest: (request) => (polls++, answering.sendRequest(request)) };
  const hub = createLroHub({ pipeline: createPipelineFromOptions({ retryOptions: { maxRetries: 0 } }), httpClient, maxConcurrentPolls: 1, pauseWhenHidden: false });
  const subscriptions = [];
  for (let i = 0; i < watched; i++) {
    subscriptions.push(hub.watch({ pollingUrl: `https://management.example.com/operations/${i}`, method: "POST" }).subscribe());
  }
  const summary = subscribeSummary ? hub.summary$.subscribe() : undefined;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const start = polls;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const rate = (polls - start) / seconds;
  summary?.unsubscribe();
  for (const subscription of subscriptions) subscription.unsubscribe();
  return rate;
}

for (const watched of [1_000, 10_000]) {
  const without = await pollsPerSecond(watched, false);
  const withSummary = await pollsPerSecond(watched, true);
  console.log(
    `${watched.toLocaleString("en-US").padStart(6)} operations watched: ${without.toFixed(0).padStart(6)} polls/s without a summary$ subscriber, ` +
      `${withSummary.toFixed(0).padStart(6)} with one (${(without / withSummary).toFixed(1)}× slower)`,
  );
}
