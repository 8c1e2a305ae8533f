import { describe, expect, it } from "vitest";
import { beginLro, LroBadResponseError, statusCheckPolling } from "../../lib/index.js";
import { virtualService } from "../support/fake-service.js";
import { runToEnd } from "../support/virtual-time.js";

const url = "https://management.example.com/subscriptions/s/resourceGroups/g/providers/Microsoft.Demo/widgets/w/start?api-version=1";

describe("statusCheckPolling", () => {
  it.each([
    [200, { started: true }, "succeeded", { started: true }],
    [204, undefined, "succeeded", undefined],
    [202, { queued: 1 }, "succeeded", { queued: 1 }],
    [200, { properties: { provisioningState: "Failed" } }, "failed", undefined],
  ] as const)("takes an initial %i as final", async (status, body, expected, result) => {
    const { scheduler, service } = virtualService();
    service.on("POST", url, { status, body });

    const run = await runToEnd(beginLro({ url, method: "POST" }, { ...service.options, polling: statusCheckPolling() }), scheduler);

    expect(service.requests).toHaveLength(1);
    expect(run.values).toHaveLength(1);
    expect(run.values[0]).toMatchObject({ status: expected, strategy: "statusCheck", pollCount: 0 });
    expect(run.values[0]!.result).toEqual(result);
    expect(run.completed).toBe(true);
  });

  it.each(["POST", "DELETE"] as const)("errors with LroBadResponseError on a %s 202 with no polling header and no body", async (method) => {
    const { scheduler, service } = virtualService();
    service.on(method, url, { status: 202 });

    const run = await runToEnd(beginLro({ url, method }, service.options), scheduler);

    expect(run.error).toBeInstanceOf(LroBadResponseError);
    expect((run.error as Error).message).toMatch(/gives no way to follow the operation/);
    expect(run.values).toHaveLength(0);
  });
});
