import * as pipeline from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it, vi } from "vitest";

/** The module as a fresh import finds it: nothing loaded yet. */
async function freshModule() {
  vi.resetModules();
  return import("../../lib/http/default-transport.js");
}

afterEach(() => {
  vi.doUnmock("../../lib/http/create-default-transport.js");
});

describe("the default transport", () => {
  it("is loaded on first use, once, and shared: core-rest-pipeline's default pipeline and client", async () => {
    const { loadDefaultTransport, loadedDefaultTransport } = await freshModule();
    expect(loadedDefaultTransport()).toBeUndefined();
    const [first, second] = await Promise.all([loadDefaultTransport(), loadDefaultTransport()]);
    expect(second).toBe(first);
    expect(loadedDefaultTransport()).toBe(first);
    expect(await loadDefaultTransport()).toBe(first);
    const names = (policies: pipeline.PipelinePolicy[]) => policies.map((policy) => policy.name);
    expect(names(first.pipeline.getOrderedPolicies())).toEqual(names(pipeline.createPipelineFromOptions({}).getOrderedPolicies()));
    expect(first.httpClient.constructor).toBe(pipeline.createDefaultHttpClient().constructor);
  });

  it("reports a failed load to the caller and forgets it, so that a later request loads again", async () => {
    const failure = new Error("Failed to fetch dynamically imported module");
    vi.doMock("../../lib/http/create-default-transport.js", () => {
      throw failure;
    });
    const { loadDefaultTransport, loadedDefaultTransport } = await freshModule();
    // vitest wraps what a mock factory throws; the failure is its cause.
    const error = await loadDefaultTransport().then(() => undefined, (caught: unknown) => caught);
    expect(error).toMatchObject({ cause: failure });
    expect(loadedDefaultTransport()).toBeUndefined();
    vi.doUnmock("../../lib/http/create-default-transport.js");
    vi.resetModules();
    const transport = await loadDefaultTransport();
    expect(typeof transport.pipeline.sendRequest).toBe("function");
    expect(loadedDefaultTransport()).toBe(transport);
  });

  it("forgets a load whose factories throw, too", async () => {
    vi.doMock("../../lib/http/create-default-transport.js", () => ({
      createDefaultTransport: () => {
        throw new TypeError("no fetch here");
      },
    }));
    const { loadDefaultTransport, loadedDefaultTransport } = await freshModule();
    await expect(loadDefaultTransport()).rejects.toThrow("no fetch here");
    vi.doUnmock("../../lib/http/create-default-transport.js");
    vi.resetModules();
    const transport = await loadDefaultTransport();
    expect(typeof transport.httpClient.sendRequest).toBe("function");
    expect(loadedDefaultTransport()).toBe(transport);
  });
});
