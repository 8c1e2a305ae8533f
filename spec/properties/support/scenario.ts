/** Runs a generated scenario through a polling operator (or resumes it), with the harness. */
import {
  armPolling,
  azureAsyncOperationPolling,
  beginLro,
  bodyContentPolling,
  locationPolling,
  lroPolling,
  operationLocationPolling,
  resumeLro,
  statusCheckPolling,
  type LroPollingOperator,
} from "../../../lib/index.js";
import type { FakeReply } from "../../support/fake-service.js";
import { routesOf, urls, type Scenario } from "./arbitraries.js";
import { createWorld, runStream, type RunRecord, type RunSettings, type World } from "./harness.js";

export const pollings = {
  azureAsyncOperation: azureAsyncOperationPolling,
  operationLocation: operationLocationPolling,
  location: locationPolling,
  bodyContent: bodyContentPolling,
  statusCheck: statusCheckPolling,
  arm: armPolling,
  lro: lroPolling,
} satisfies Record<string, () => LroPollingOperator>;
export type PollingName = keyof typeof pollings;
export const pollingNames = Object.keys(pollings) as PollingName[];

/** The options every run gets: the scenario's timing, always with a deadline and a modest max delay. */
export function commonOptions(world: World, scenario: Scenario, timeoutInMs = scenario.timing.timeoutInMs) {
  const { timing, finalStateVia } = scenario;
  return {
    ...world.options,
    intervalInMs: timing.intervalInMs,
    maxDelayInMs: timing.maxDelayInMs,
    timeoutInMs,
    requestTimeoutInMs: timing.requestTimeoutInMs,
    retry: { maxRetries: timing.maxRetries, retryDelayInMs: timing.retryDelayInMs },
    ...(finalStateVia === undefined ? {} : { finalStateVia }),
  };
}

export interface ScenarioRun {
  readonly world: World;
  readonly routes: ReadonlyMap<string, readonly FakeReply[]>;
  readonly record: RunRecord;
}

/** `beginLro` of the scenario's request with `polling`, against a fresh fake primed with its script. */
export async function runScenario(scenario: Scenario, polling: PollingName, settings: RunSettings = {}): Promise<ScenarioRun> {
  const routes = routesOf(scenario.script);
  const world = createWorld(routes);
  const abortSignal = settings.unsubscribe?.kind === "abortAt" ? { abortSignal: settings.unsubscribe.controller.signal } : {};
  const record = await runStream(
    world,
    () =>
      beginLro(
        { url: urls.R, method: scenario.script.method, json: { location: "westeurope" } },
        { ...commonOptions(world, scenario), ...abortSignal, polling: pollings[polling]() },
      ),
    settings,
  );
  return { world, routes, record };
}

/**
 * What is left of the script once the first `consumed` requests have been answered: the fake
 * answers a route's replies in order and repeats the last, so after c requests a route of n
 * replies has `replies.slice(min(c, n − 1))` left.
 */
export function remainingRoutes(routes: ReadonlyMap<string, readonly FakeReply[]>, record: RunRecord, consumed: number): Map<string, readonly FakeReply[]> {
  const counts = new Map<string, number>();
  for (const request of record.requests.slice(0, consumed)) {
    const key = `${request.method} ${request.url}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...routes].map(([key, replies]) => [key, replies.slice(Math.min(counts.get(key) ?? 0, replies.length - 1))]));
}

/** `resumeLro(token)` against a fresh fake primed with `routes`, its clock starting at `startAt`. */
export async function resumeScenario(
  scenario: Scenario,
  token: string,
  routes: ReadonlyMap<string, readonly FakeReply[]>,
  startAt: number,
  timeoutInMs: number,
): Promise<ScenarioRun> {
  const world = createWorld(routes, startAt);
  const record = await runStream(world, () => resumeLro(token, { ...commonOptions(world, scenario, timeoutInMs), allowedHosts: ["management.example.com"] }));
  return { world, routes, record };
}
