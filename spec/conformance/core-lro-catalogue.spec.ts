// Replays @azure/core-lro 3.4.1's route-table scenarios (its test/public/lro.spec.ts) through
// rx-lro and holds each outcome to core-lro's observed one, except where rx-lro deliberately
// differs: those are listed in `divergences`, each with the reason and what rx-lro does instead.
import { describe, expect, it } from "vitest";
import { beginLro, LroBadResponseError, LroBadStatusError, type LroState } from "../../lib/index.js";
import { coreLroCatalogue, type CatalogueScenario } from "../fixtures/core-lro-catalogue.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const origin = "https://example.com/path";
const absolute = (path: string) => new URL(path, origin).href;

type Outcome = CatalogueScenario["coreLro"]["outcome"];

/** What rx-lro does where it deliberately differs from core-lro 3.4.1, and why. */
const divergences: Record<string, { readonly outcome?: Outcome; readonly why: string }> = {
  "NP-13": {
    outcome: { kind: "failed" },
    why: "a Location poll's 200 whose provisioningState is Failed is a failure (msrestazure#157, Go's loc poller); core-lro swallows it",
  },
  "NP-14": { outcome: { kind: "canceled" }, why: "as NP-13, for Canceled" },
  "OL-11": { outcome: { kind: "succeeded", body: null }, why: "a DELETE has no result (ARM FinalResult = void); core-lro returns the status-monitor body" },
  "OL-12": { outcome: { kind: "succeeded", body: null }, why: "as OL-11" },
  "OL-25": { outcome: { kind: "succeeded", body: null }, why: "as OL-11" },
  "OL-19": {
    outcome: { kind: "httpError", statusCode: 404 },
    why: "a PATCH's result is the resource at the request URL (issue rule, Python); core-lro prefers Location. The route table serves no resource there",
  },
  "SAD-11": {
    outcome: { kind: "httpError", statusCode: 404 },
    why: "a 201 without provisioningState is still being created and is polled at its URL (Python's BodyContentPolling); core-lro calls it done. The route table serves no resource",
  },
  "SAD-12": {
    outcome: { kind: "otherError", message: "empty status monitor" },
    why: "a 200 status monitor without a body is LroBadResponseError (issue rule, Python, Go); core-lro falls back to the HTTP code",
  },
  "SAD-13": { outcome: { kind: "otherError", message: "no status" }, why: "a 200 status monitor without status is LroBadResponseError (issue rule, Python, Go)" },
  "SAD-15": { outcome: { kind: "otherError", message: "no status" }, why: "as SAD-13" },
  "SAD-17": { outcome: { kind: "otherError", message: "empty status monitor" }, why: "as SAD-12" },
  "SAD-16": {
    outcome: { kind: "otherError", message: "nothing to follow" },
    why: "a 202 to POST with neither polling header nor body cannot be followed: LroBadResponseError (issue rule, Go); core-lro calls it done",
  },
};

function replay(scenario: CatalogueScenario, headerName?: string) {
  const { scheduler, service } = virtualService();
  const rename = (headers: Record<string, string> | undefined) =>
    headers === undefined || headerName === undefined || scenario.id === "OL-19"
      ? headers
      : Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase() === "operation-location" ? headerName : name, value]));
  const byRoute = new Map<string, CatalogueScenario["responses"][number][]>();
  for (const response of scenario.responses) {
    const key = `${response.method} ${absolute(response.path)}`;
    byRoute.set(key, [...(byRoute.get(key) ?? []), response]);
  }
  for (const [key, responses] of byRoute) {
    const [method, url] = key.split(" ") as [string, string];
    service.on(method, url, ...responses.map((response) => ({ status: response.status, headers: rename(response.headers), body: response.body })));
  }
  const initial = scenario.responses[0]!;
  const states$ = beginLro(
    { url: absolute(initial.path), method: initial.method },
    { ...service.options, intervalInMs: 0, ...(scenario.resourceLocationConfig ? { finalStateVia: scenario.resourceLocationConfig } : {}) },
  );
  return { service, run: runToEnd(states$, scheduler) };
}

function expectOutcome(outcome: Outcome, states: LroState[], error: unknown) {
  const last = states.at(-1);
  switch (outcome.kind) {
    case "succeeded":
      expect(error).toBeUndefined();
      expect(last?.status).toBe("succeeded");
      expect(last?.result).toEqual(outcome.body === null ? undefined : outcome.body);
      break;
    case "failed":
    case "canceled":
      expect(error).toBeUndefined();
      expect(last?.status).toBe(outcome.kind);
      break;
    case "httpError":
      expect(error).toBeInstanceOf(LroBadStatusError);
      expect((error as LroBadStatusError).httpStatus).toBe(outcome.statusCode);
      break;
    case "otherError":
      expect(error).toBeInstanceOf(LroBadResponseError);
      break;
  }
}

describe("core-lro 3.4.1 route-table scenarios", () => {
  const cases = coreLroCatalogue.flatMap((scenario): { scenario: CatalogueScenario; headerName: string | undefined; title: string }[] =>
    scenario.headerName === undefined
      ? [{ scenario, headerName: undefined, title: `${scenario.id} ${scenario.name}` }]
      : ["Azure-AsyncOperation", "Operation-Location"].map((headerName) => ({ scenario, headerName, title: `${scenario.id} ${scenario.name} (${headerName})` })),
  );

  it.each(cases)("$title", async ({ scenario, headerName }) => {
    const { service, run } = replay(scenario, headerName);
    const { values, error, completed } = await run;
    const divergence = divergences[scenario.id];
    expectOutcome(divergence?.outcome ?? scenario.coreLro.outcome, values, error);
    if (error === undefined) expect(completed).toBe(true);
    if (divergence === undefined) {
      const sent = service.requests.map((request) => `${request.method} ${request.url}`);
      const expected = scenario.coreLro.requests.map((line) => {
        const [method, path] = line.replace(/ \(final\)$/, "").split(" ") as [string, string];
        return `${method} ${absolute(path)}`;
      });
      expect(sent).toEqual(expected);
    }
  });
});
