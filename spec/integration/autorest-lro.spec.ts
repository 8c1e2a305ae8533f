// Every LRO operation of the public AutoRest test server (swagger/lro.json: LROs, LRORetrys,
// LROSADs, LROsCustomHeader), driven through beginLro over real HTTP on 127.0.0.1. Each test
// checks the outcome the route calls for and that the server's own coverage report counts it.
import { createPipelineFromOptions } from "@azure/core-rest-pipeline";
import { lastValueFrom, toArray } from "rxjs";
import { describe, expect, inject, it } from "vitest";
import { beginLro, LroError, type LroState } from "../../lib/index.js";
import { cookieJarPolicy, fixedClientRequestIdPolicy } from "./autorest/cookie-policy.js";
import { autorestLroScenarios, type AutorestLroScenario } from "./autorest/lro-scenarios.js";
import { readCoverage } from "./autorest/server.js";

const serverUrl = inject("autorestUrl");

const strategyNames: Record<AutorestLroScenario["strategy"], LroState["strategy"][]> = {
  "azure-async-operation": ["azureAsyncOperation"],
  location: ["location"],
  body: ["bodyContent"],
  "status-check": ["statusCheck"],
  // Done at the initial response, whichever algorithm read it.
  none: ["azureAsyncOperation", "location", "bodyContent", "statusCheck"],
};

function pipelineFor(scenario: AutorestLroScenario) {
  // The server's own 500s are absorbed by the pipeline's retries; keep them quick.
  const pipeline = createPipelineFromOptions({ retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 } });
  // After the retry phase, so that a retried request carries the cookie the last answer set.
  pipeline.addPolicy(cookieJarPolicy(), { afterPhase: "Retry" });
  if (scenario.group === "LROsCustomHeader") pipeline.addPolicy(fixedClientRequestIdPolicy(), { afterPhase: "Retry" });
  return pipeline;
}

async function follow(scenario: AutorestLroScenario): Promise<{ states: LroState[]; error?: unknown }> {
  const states: LroState[] = [];
  const states$ = beginLro(
    {
      url: `${serverUrl}${scenario.path}`,
      method: scenario.method,
      headers: { ...scenario.headers },
      ...(scenario.body === undefined ? {} : { json: scenario.body }),
      allowInsecureConnection: true,
    },
    {
      pipeline: pipelineFor(scenario),
      intervalInMs: 5,
      retry: { retryDelayInMs: 5 },
      timeoutInMs: 15_000,
      ...(scenario.finalStateVia === undefined ? {} : { finalStateVia: scenario.finalStateVia }),
    },
  );
  try {
    states.push(...(await lastValueFrom(states$.pipe(toArray()))));
    return { states };
  } catch (error) {
    return { states, error };
  }
}

describe("AutoRest test server: every LRO operation of swagger/lro.json", () => {
  it("has all 81 operations in the table", () => {
    expect(new Set(autorestLroScenarios.map((scenario) => scenario.operationId)).size).toBe(81);
  });

  it.each(autorestLroScenarios.map((scenario) => [scenario.operationId, scenario] as const))("%s", async (_id, scenario) => {
    const before = await readCoverage(serverUrl, scenario.coverageCategory);

    const { states, error } = await follow(scenario);

    const last = states.at(-1);
    const { expected } = scenario;
    if (expected.kind === "error") {
      expect(error, scenario.why).toBeInstanceOf(LroError);
      expect((error as Error).name, `${scenario.why}\n${String(error)}`).toBe(expected.error);
      if (expected.httpStatus !== undefined) expect(error).toMatchObject({ httpStatus: expected.httpStatus });
    } else {
      expect(error, `${scenario.why}\n${String(error)}`).toBeUndefined();
      expect(last?.status, scenario.why).toBe(expected.kind);
      if (expected.kind === "succeeded") expect(last?.result, scenario.why).toEqual(expected.result);
      expect(strategyNames[scenario.strategy]).toContain(last?.strategy);
    }

    const after = await readCoverage(serverUrl, scenario.coverageCategory);
    for (const key of scenario.coverageKeys) {
      expect(after[key] ?? 0, `coverage of ${key}`).toBeGreaterThan(before[key] ?? 0);
    }
  });
});
