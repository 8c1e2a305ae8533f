// rx-lro against the embedded ARM demo server over real HTTP on 127.0.0.1: every method ×
// header model × outcome through beginLro, checking the terminal state, the result, and that the
// server's own record agrees (the operation ended, and it received exactly the polls and final
// GETs the client says it sent). Then resuming from a continuation token, and timing knobs.
import { firstValueFrom, lastValueFrom, take, toArray } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  beginLro,
  LroFailedError,
  LroUrlRejectedError,
  lroResult,
  resumeLro,
  type LroState,
} from "../../lib/index.js";
import { startArmServer, type ArmServer, type OperationStatus } from "../../server/index.js";

type Method = "PUT" | "PATCH" | "DELETE" | "POST restart" | "POST migrate";
type Model = "azure-async-operation" | "location" | "both";
type Outcome = "succeed" | "fail" | "cancel";

const methods: readonly Method[] = ["PUT", "PATCH", "DELETE", "POST restart", "POST migrate"];
const models: readonly Model[] = ["azure-async-operation", "location", "both"];
const outcomes: readonly Outcome[] = ["succeed", "fail", "cancel"];

const terminalWord: Record<Outcome, OperationStatus> = { succeed: "Succeeded", fail: "Failed", cancel: "Canceled" };
const terminalStatus: Record<Outcome, LroState["status"]> = { succeed: "succeeded", fail: "failed", cancel: "canceled" };

let server: ArmServer;
let counter = 0;

beforeAll(async () => {
  server = await startArmServer({ duration: 150, retryAfter: 0 });
});

afterAll(async () => {
  await server.close();
});

/** A widget that exists, for the methods that need one. */
async function existingWidget(): Promise<string> {
  const name = `w${++counter}`;
  const response = await fetch(server.resourceUrl(name, { query: { duration: 0 } }), {
    method: "PUT",
    body: JSON.stringify({ location: "westeurope", properties: { size: 3, color: "red" } }),
  });
  expect(response.status).toBe(201);
  return name;
}

function requestFor(method: Method, name: string, query: Record<string, string | number>) {
  const [verb, action] = method.split(" ") as ["PUT" | "PATCH" | "DELETE" | "POST", "restart" | "migrate" | undefined];
  const url = server.resourceUrl(name, { query, ...(action === undefined ? {} : { action }) });
  const json =
    verb === "PUT"
      ? { location: "westeurope", properties: { size: 7 } }
      : verb === "PATCH"
        ? { properties: { size: 5 } }
        : action === "migrate"
          ? { targetLocation: "northeurope", items: 9 }
          : undefined;
  return { url, method: verb, allowInsecureConnection: true, ...(json === undefined ? {} : { json }) } as const;
}

/**
 * What the client fetches after the status monitor says Succeeded, as the server records it:
 * PUT/PATCH GET the resource; a POST GETs its Location when it has one (header model "both");
 * DELETE, and POST without a Location, fetch nothing. Following Location, the last poll is the result.
 */
function finalGetOf(method: Method, model: Model, outcome: Outcome): "resourceGet" | "locationPoll" | undefined {
  if (outcome !== "succeed" || model === "location") return undefined;
  if (method === "PUT" || method === "PATCH") return "resourceGet";
  if (method.startsWith("POST") && model === "both") return "locationPoll";
  return undefined;
}

describe("beginLro against the ARM demo server: method × header model × outcome", () => {
  for (const method of methods) {
    for (const model of models) {
      for (const outcome of outcomes) {
        it.concurrent(`${method}, ${model}, ${outcome}`, async ({ expect }) => {
          const name = method === "PUT" ? `w${++counter}` : await existingWidget();
          const states = await lastValueFrom(
            beginLro(requestFor(method, name, { lroHeaders: model, outcome, duration: 100 + (counter % 5) * 20 }), {
              intervalInMs: 10,
              timeoutInMs: 5000,
            }).pipe(toArray()),
          );
          const last = states.at(-1)!;
          const initial = states[0]!;
          const id = initial.rawResponse?.headers.get("x-demo-operation-id") ?? "";

          // The client: one initial state, running states, and the terminal one.
          expect(initial.httpStatus).toBe(method === "PUT" ? 201 : 202);
          expect(states.slice(0, -1).every((state) => state.status === "running")).toBe(true);
          expect(last.strategy).toBe(model === "location" ? "location" : "azureAsyncOperation");
          expect(last.status).toBe(terminalStatus[outcome]);

          if (outcome === "succeed") {
            const result = last.result as Record<string, any> | undefined;
            switch (method) {
              case "PUT":
                expect(result).toEqual({
                  id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo-rg/providers/Microsoft.Demo/widgets/${name}`,
                  name,
                  type: "Microsoft.Demo/widgets",
                  location: "westeurope",
                  properties: { size: 7, provisioningState: "Succeeded" },
                });
                break;
              case "PATCH":
                expect(result?.properties).toEqual({ size: 5, color: "red", provisioningState: "Succeeded" });
                break;
              case "DELETE":
                expect(result).toBeUndefined();
                break;
              case "POST restart":
                if (model === "azure-async-operation") {
                  // No Location to fetch: the library returns the status monitor's body (as core-lro does).
                  expect(result).toMatchObject({ name: id, status: "Succeeded" });
                } else {
                  expect(result).toBeUndefined();
                }
                break;
              case "POST migrate": {
                const migration = { migrationId: expect.any(String), widget: name, sourceLocation: "westeurope", targetLocation: "northeurope", movedItems: 9 };
                // Azure-AsyncOperation alone: the result is the status body, which carries the migration in `properties`.
                expect(model === "azure-async-operation" ? result?.properties : result).toEqual(migration);
                break;
              }
            }
          } else {
            expect(last.result).toBeUndefined();
            expect(last.error?.code).toBe(outcome === "fail" ? "QuotaExceeded" : "OperationCanceled");
            expect(last.error?.message).toContain(name);
          }

          // The server: the operation ended as the client says, and received exactly its polls.
          const operation = server.operation(id)!;
          expect(operation).toMatchObject({ status: terminalWord[outcome], terminal: true, lroHeaders: model });
          expect(operation.terminalServedAt).toBeDefined();
          const finalGet = finalGetOf(method, model, outcome);
          expect(last.resultUrl !== undefined).toBe(finalGet !== undefined);
          expect(operation.polls).toBe(last.pollCount + (finalGet === "locationPoll" ? 1 : 0));
          expect(model === "location" ? operation.statusPolls : operation.locationPolls).toBe(finalGet === "locationPoll" ? 1 : 0);
          expect(operation.resourceGets).toBe(finalGet === "resourceGet" ? 1 : 0);
          // In arrival order: the initial request, the polls, the one that reported the end, then only the final GET.
          const records = server.requests(id);
          const pollKind = model === "location" ? "locationPoll" : "statusPoll";
          const lastPoll = records.map((record) => record.kind).lastIndexOf(pollKind);
          expect(records[0]?.kind).toBe("initial");
          expect(records.slice(1, lastPoll + 1).every((record) => record.kind === pollKind)).toBe(true);
          expect(records[lastPoll]?.at).toBe(operation.terminalServedAt);
          expect(records.slice(lastPoll + 1).map((record) => record.kind)).toEqual(finalGet === undefined ? [] : [finalGet]);
        });
      }
    }
  }
});

describe("the record as a whole", () => {
  it("counts terminal operations and requests consistently with what the clients did", async () => {
    // Runs after the concurrent matrix above (same file, sequential describe).
    const stats = server.stats();
    const operations = server.operations();
    // 45 matrix operations, plus 36 widgets created at once (duration 0) for the non-PUT rows.
    expect(stats.operations.created).toBe(45 + 36);
    expect(stats.operations.terminal).toBe(stats.operations.created);
    expect(stats.operations.running).toBe(0);
    expect(stats.operations.byStatus).toEqual({ Succeeded: 36 + 15, Failed: 15, Canceled: 15 });
    // Every request is initial, a poll or a resource GET; and polls add up across operations.
    const { byKind } = stats.requests;
    expect(stats.requests.arm).toBe(byKind.initial + byKind.statusPoll + byKind.locationPoll + byKind.resourceGet + byKind.resourceList);
    expect(byKind.statusPoll + byKind.locationPoll).toBe(operations.reduce((sum, operation) => sum + operation.polls, 0));
    expect(byKind.initial).toBe(81);
    expect(stats.requests.byStatus["500"]).toBeUndefined();
  });
});

describe("resuming, unsubscribing and timing", () => {
  it("stops polling on unsubscribe, and resumeLro finishes a PUT from a mid-way continuation token", async () => {
    const name = `w${++counter}`;
    const running = await lastValueFrom(
      beginLro(requestFor("PUT", name, { duration: 400, retryAfter: 0 }), { intervalInMs: 10 }).pipe(take(3), toArray()),
    );
    const stoppedAt = Date.now();
    const mid = running.at(-1)!;
    expect(mid.status).toBe("running");
    expect(mid.pollCount).toBe(2);
    const id = running[0]!.rawResponse!.headers.get("x-demo-operation-id")!;
    // take(3) unsubscribed: the server hears nothing more from that stream.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(server.pollsAfter(id, stoppedAt)).toBe(0);
    expect(server.operation(id)).toMatchObject({ statusPolls: 2, terminal: false });

    // A loopback host is trusted only when listed: without it, refused at the call, nothing sent.
    expect(() => resumeLro(mid.continuationToken, { intervalInMs: 10 })).toThrowError(LroUrlRejectedError);
    expect(() => resumeLro(mid.continuationToken, { intervalInMs: 10 })).toThrowError(/host 127\.0\.0\.1:\d+ is neither a built-in Azure cloud host/);
    expect(server.pollsAfter(id, stoppedAt)).toBe(0);

    const allowedHosts = [new URL(server.url).host];
    const resumed = await lastValueFrom(resumeLro(mid.continuationToken, { intervalInMs: 10, allowedHosts }).pipe(toArray()));
    const last = resumed.at(-1)!;
    expect(last.status).toBe("succeeded");
    expect(last.strategy).toBe("azureAsyncOperation");
    expect((last.result as { properties: unknown }).properties).toEqual({ size: 7, provisioningState: "Succeeded" });
    expect(server.pollsAfter(id, stoppedAt)).toBe(last.pollCount);
    expect(server.operation(id)).toMatchObject({ status: "Succeeded", resourceGets: 1 });
  });

  it("resumeLro follows a Location operation (migrate) to its result, via lroResult", async () => {
    const name = await existingWidget();
    const first = await firstValueFrom(beginLro(requestFor("POST migrate", name, { duration: 200 }), { intervalInMs: 10 }));
    expect(first.strategy).toBe("location");
    const result = await firstValueFrom(resumeLro(first.continuationToken, { intervalInMs: 10, allowedHosts: [new URL(server.url).host] }).pipe(lroResult()));
    expect(result).toMatchObject({ widget: name, targetLocation: "northeurope", movedItems: 9 });
  });

  it("lroResult errors with LroFailedError carrying the server's error", async () => {
    const name = await existingWidget();
    const failure = await firstValueFrom(
      beginLro(requestFor("PATCH", name, { outcome: "fail", errorCode: "WidgetJammed" }), { intervalInMs: 10 }).pipe(lroResult()),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LroFailedError);
    expect((failure as LroFailedError).state.error?.code).toBe("WidgetJammed");
  });

  it("without Retry-After the client's interval paces the polls; retry-after-ms wins over Retry-After", async () => {
    const name = `w${++counter}`;
    const paced = await lastValueFrom(
      beginLro(requestFor("PUT", name, { duration: 200, retryAfter: "none", lroHeaders: "location" }), { intervalInMs: 50 }).pipe(toArray()),
    );
    const id = paced[0]!.rawResponse!.headers.get("x-demo-operation-id")!;
    const polls = server.requests(id).filter((record) => record.kind === "locationPoll");
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.length).toBeLessThanOrEqual(6);
    const gaps = polls.slice(1).map((record, i) => record.at - polls[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(45);

    // Retry-After: 1 would take a second per poll; retry-after-ms: 40 is what the client obeys.
    const started = Date.now();
    const quick = await lastValueFrom(
      beginLro(requestFor("PUT", `w${++counter}`, { duration: 150, retryAfter: 1, retryAfterMs: 40 }), { intervalInMs: 5000 }),
    );
    expect(quick.status).toBe("succeeded");
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe("a Redis-like PUT: 201 Creating, with a Location naming the resource itself", () => {
  it.each(["succeed", "fail"] as const)("polls the resource through its non-terminal provisioningStates to the end (%s)", async (outcome) => {
    const name = `w${++counter}`;
    const states = await lastValueFrom(
      beginLro(requestFor("PUT", name, { lroHeaders: "resource-location", outcome, duration: 200, retryAfter: 0 }), { intervalInMs: 10, timeoutInMs: 5000 }).pipe(
        toArray(),
      ),
    );
    const last = states.at(-1)!;
    const id = states[0]!.rawResponse!.headers.get("x-demo-operation-id")!;
    expect(states[0]).toMatchObject({ status: "running", httpStatus: 201, strategy: "location", pollingUrl: server.resourceUrl(name) });
    const running = states.slice(1, -1);
    expect(running.length).toBeGreaterThanOrEqual(2);
    // Each of those polls was a 200 from the resource, still saying it is being created.
    for (const state of running) expect(state).toMatchObject({ status: "running", httpStatus: 200 });
    expect(new Set(running.map((state) => state.providerStatus))).toEqual(new Set(["Accepted", "Creating"]));
    expect(last).toMatchObject({ status: terminalStatus[outcome], httpStatus: 200, providerStatus: terminalWord[outcome] });
    if (outcome === "succeed") expect((last.result as { properties: unknown }).properties).toEqual({ size: 7, provisioningState: "Succeeded" });

    // The server saw the initial PUT and then only GETs of the resource, the last one after the end.
    const operation = server.operation(id)!;
    expect(operation).toMatchObject({ status: terminalWord[outcome], terminal: true, lroHeaders: "resource-location", polls: 0 });
    expect(server.requests(id).map((record) => record.kind)).toEqual(["initial", ...Array<string>(last.pollCount).fill("resourceGet")]);
  });
});

describe("a status monitor that echoes a Location", () => {
  it("does not move a POST's final GET: the result comes from the initial response's Location", async () => {
    const name = await existingWidget();
    const echoed = server.resourceUrl("no-such-widget", { action: "migrate" });
    server.setHooks({
      beforeRespond: (context, response) =>
        context.kind === "statusPoll" ? { ...response, headers: { ...response.headers, location: echoed } } : undefined,
    });
    try {
      const states = await lastValueFrom(
        beginLro(requestFor("POST migrate", name, { lroHeaders: "both", duration: 100, retryAfter: 0 }), { intervalInMs: 10, timeoutInMs: 5000 }).pipe(
          toArray(),
        ),
      );
      const last = states.at(-1)!;
      const id = states[0]!.rawResponse!.headers.get("x-demo-operation-id")!;
      expect(states[1]!.rawResponse!.headers.get("location")).toBe(echoed);
      expect(last).toMatchObject({ status: "succeeded", strategy: "azureAsyncOperation" });
      expect(last.result).toMatchObject({ widget: name, targetLocation: "northeurope", movedItems: 9 });
      expect(last.resultUrl).toContain("/operationResults/");
      expect(server.requests(id).map((record) => record.kind).filter((kind) => kind !== "statusPoll")).toEqual(["initial", "locationPoll"]);
    } finally {
      server.setHooks(undefined);
    }
  });
});
