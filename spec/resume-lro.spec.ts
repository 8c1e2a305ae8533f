import { describe, expect, it } from "vitest";
import { LroUrlRejectedError, resumeLro } from "../lib/index.js";
import { encodeContinuationToken } from "../lib/continuation-token.js";
import { virtualService } from "./support/fake-service.js";
import { runToEnd } from "./support/virtual-time.js";

const trusted = "https://management.azure.com/subscriptions/s/w/x?api-version=1";
const monitor = "https://management.azure.com/operations/1";

const token = (overrides: object) =>
  encodeContinuationToken({ strategy: "azureAsyncOperation", method: "PUT", requestUrl: trusted, pollingUrl: monitor, allowInsecureConnection: false, ...overrides });

describe("resumeLro with tampered tokens", () => {
  it("refuses a token whose polling URL was moved to another host, sending nothing", async () => {
    const { scheduler, service } = virtualService();
    const run = await runToEnd(resumeLro(token({ pollingUrl: "https://attacker.example.net/op" }), service.options), scheduler);

    expect(run.error).toBeInstanceOf(LroUrlRejectedError);
    expect(service.requests).toHaveLength(0);
  });

  it("refuses a token whose final-result Location points elsewhere, before that request", async () => {
    const { scheduler, service } = virtualService();
    service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } });
    const run = await runToEnd(resumeLro(token({ method: "POST", location: "https://attacker.example.net/r" }), service.options), scheduler);

    expect(run.error).toBeInstanceOf(LroUrlRejectedError);
    expect(service.requests.map((request) => request.url)).toEqual([monitor]);
  });

  it("refuses a wholly forged token when the app lists its hosts", async () => {
    const { scheduler, service } = virtualService();
    const forged = token({ requestUrl: "https://attacker.example.net/w", pollingUrl: "https://attacker.example.net/op" });

    const run = await runToEnd(resumeLro(forged, { ...service.options, allowedHosts: ["management.azure.com"] }), scheduler);

    expect(run.error).toBeInstanceOf(LroUrlRejectedError);
    expect((run.error as Error).message).toContain("the token's host attacker.example.net is not listed in allowedHosts");
    expect(service.requests).toHaveLength(0);
  });

  it("follows a token on a listed host", async () => {
    const { scheduler, service } = virtualService();
    service.on("GET", monitor, { status: 200, body: { status: "Succeeded" } }).on("GET", trusted, { status: 200, body: { id: "x" } });

    const run = await runToEnd(resumeLro(token({}), { ...service.options, allowedHosts: ["management.azure.com"] }), scheduler);

    expect(run.values.at(-1)).toMatchObject({ status: "succeeded", result: { id: "x" } });
  });
});
