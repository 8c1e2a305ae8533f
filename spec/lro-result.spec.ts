import { firstValueFrom, of } from "rxjs";
import { describe, expect, it } from "vitest";
import { LroCanceledError, LroFailedError, lroResult, type LroState } from "../lib/index.js";
import { releasesWhatMadeItsSource } from "./support/collect-garbage.js";

const base = { providerStatus: "x", strategy: "location", pollCount: 1, httpStatus: 200, continuationToken: "tok" } as const;

describe("lroResult", () => {
  it("emits the result of a succeeded operation and drops the states before it", async () => {
    const states: LroState<{ id: string }>[] = [
      { ...base, status: "running" },
      { ...base, status: "succeeded", result: { id: "w" } },
    ];
    expect(await firstValueFrom(of(...states).pipe(lroResult()))).toEqual({ id: "w" });
  });

  it("errors with LroFailedError carrying the state, the token and the service's error", async () => {
    const failed: LroState = { ...base, status: "failed", error: { code: "QuotaExceeded", message: "Too many widgets" } };
    const error = await firstValueFrom(of(failed).pipe(lroResult())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LroFailedError);
    expect(error).toMatchObject({ state: failed, continuationToken: "tok", message: "The long-running operation failed: QuotaExceeded: Too many widgets" });
  });

  it("errors with LroCanceledError", async () => {
    const canceled: LroState = { ...base, status: "canceled" };
    const error = await firstValueFrom(of(canceled).pipe(lroResult())).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LroCanceledError);
    expect((error as Error).message).toBe("The long-running operation was canceled.");
  });

  it("does not keep its source while the operation runs (and with it what made the operation: its request, its options)", async () => {
    expect(await releasesWhatMadeItsSource(lroResult())).toBe(true);
  });
});
