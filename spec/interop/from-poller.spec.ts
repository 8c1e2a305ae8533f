import { createHttpPoller, type OperationResponse, type RunningOperation } from "@azure/core-lro";
import { createHttpPoller as createHttpPollerV2, Poller, type PollOperation, type PollOperationState } from "core-lro-v2";
import { lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { fromPoller } from "../../lib/index.js";

const url = "https://management.example.com/widgets/w";
const monitor = "https://management.example.com/operations/1";

type Reply = { status: number; body?: Record<string, unknown>; headers?: Record<string, string> };

/** An in-memory service for core-lro's `RunningOperation`: scripted poll replies, and a log. */
function service(initial: Reply, polls: Reply[]) {
  const sent: string[] = [];
  const aborted: string[] = [];
  const respond = (method: string, path: string, reply: Reply): OperationResponse => ({
    flatResponse: reply.body ?? {},
    rawResponse: { statusCode: reply.status, request: { method, url: path }, headers: reply.headers ?? {}, body: reply.body },
  });
  const lro: RunningOperation = {
    sendInitialRequest: async () => {
      sent.push(`PUT ${url}`);
      return respond("PUT", url, initial);
    },
    sendPollRequest: (path, options) => {
      sent.push(`GET ${path}`);
      const reply = polls.shift();
      if (reply === undefined) {
        // Never answers: only an abort ends it.
        return new Promise((_resolve, reject) =>
          options?.abortSignal?.addEventListener("abort", () => {
            aborted.push(path);
            reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
          }),
        );
      }
      return Promise.resolve(respond("GET", path, reply));
    },
  };
  return { lro, sent, aborted };
}

const accepted: Reply = { status: 201, headers: { "azure-asyncoperation": monitor }, body: { properties: { provisioningState: "Accepted" } } };

describe("fromPoller", () => {
  it("bridges a core-lro v3 poller: a state per progress update, then the result", async () => {
    const { lro, sent } = service(accepted, [
      { status: 200, body: { status: "Running" } },
      { status: 200, body: { status: "Succeeded" } },
      { status: 200, body: { id: "w" } },
    ]);
    const poller = createHttpPoller(lro, { intervalInMs: 0 });

    const states = await lastValueFrom(fromPoller(poller).pipe(toArray()));

    expect(states.map((state) => state.status)).toEqual(["running", "running", "succeeded"]);
    expect(states.at(-1)).toMatchObject({ result: { id: "w" }, strategy: "operationLocation", bridgedFrom: "sdkPoller" });
    expect(sent).toEqual([`PUT ${url}`, `GET ${monitor}`, `GET ${monitor}`, `GET ${url}`]);
  });

  it("emits a failed operation as a terminal state and completes", async () => {
    const { lro } = service(accepted, [{ status: 200, body: { status: "Failed", error: { code: "Quota", message: "no" } } }]);

    const states = await lastValueFrom(fromPoller(createHttpPoller(lro, { intervalInMs: 0 })).pipe(toArray()));

    expect(states.at(-1)).toMatchObject({ status: "failed", error: { message: expect.stringContaining("The long-running operation has failed") } });
  });

  it("aborts the SDK's polling on unsubscribe, and its last token resumes elsewhere", async () => {
    const { lro, sent, aborted } = service(accepted, [{ status: 200, body: { status: "Running" } }]);
    const poller = createHttpPoller(lro, { intervalInMs: 0 });
    const states: { status: string; continuationToken: string }[] = [];

    const subscription = fromPoller(poller).subscribe((state) => states.push(state));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toEqual([`PUT ${url}`, `GET ${monitor}`, `GET ${monitor}`]);
    subscription.unsubscribe();

    expect(aborted).toEqual([monitor]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sent).toHaveLength(3);
    expect(states.at(-1)!.status).toBe("running");
    expect(states.at(-1)!.continuationToken).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("shares one SDK loop among subscribers", async () => {
    const { lro, sent } = service(accepted, [{ status: 200, body: { status: "Succeeded" } }, { status: 200, body: { id: "w" } }]);
    const states$ = fromPoller(createHttpPoller(lro, { intervalInMs: 0 }));

    const [a, b] = await Promise.all([lastValueFrom(states$.pipe(toArray())), lastValueFrom(states$.pipe(toArray()))]);

    expect(a.at(-1)!.status).toBe("succeeded");
    expect(b.at(-1)!.status).toBe("succeeded");
    expect(sent).toHaveLength(3);
  });

  it("bridges a core-lro v2 SimplePollerLike (what @azure/arm-* begin… methods return)", async () => {
    const { lro, sent } = service(accepted, [{ status: 200, body: { status: "InProgress" } }, { status: 200, body: { status: "Succeeded" } }, { status: 200, body: { id: "w" } }]);
    const poller = await createHttpPollerV2(
      { requestMethod: "PUT", requestPath: url, sendInitialRequest: lro.sendInitialRequest, sendPollRequest: lro.sendPollRequest },
      { intervalInMs: 0 },
    );

    const states = await lastValueFrom(fromPoller(poller).pipe(toArray()));

    expect(states.map((state) => state.status)).toEqual(["running", "running", "succeeded"]);
    expect(states.at(-1)!.result).toEqual({ id: "w" });
    expect(sent.at(-1)).toBe(`GET ${url}`);
  });

  it("bridges a legacy v2 PollerLike, stopping it on unsubscribe", async () => {
    interface State extends PollOperationState<string> {
      polls: number;
    }
    class CountingPoller extends Poller<State, string> {
      constructor(finishAfter: number) {
        const operation: PollOperation<State, string> = {
          state: { polls: 0, isStarted: true },
          async update(options) {
            const state = { ...this.state, polls: this.state.polls + 1 };
            if (state.polls >= finishAfter) Object.assign(state, { isCompleted: true, result: `done after ${state.polls}` });
            options?.fireProgress?.(state);
            return { ...this, state };
          },
          async cancel() {
            throw new Error("never called");
          },
          toString: () => "legacy-token",
        };
        super(operation);
      }
      protected delay() {
        return new Promise<void>((resolve) => setTimeout(resolve, 1));
      }
    }

    const states = await lastValueFrom(fromPoller(new CountingPoller(3)).pipe(toArray()));

    expect(states.map((state) => state.status)).toEqual(["running", "running", "running", "succeeded"]);
    expect(states.at(-1)).toMatchObject({ result: "done after 3", continuationToken: "legacy-token" });

    const endless = new CountingPoller(1_000_000);
    const subscription = fromPoller(endless).subscribe();
    await new Promise((resolve) => setTimeout(resolve, 10));
    subscription.unsubscribe();
    expect(endless.isStopped()).toBe(true);
  });
});
