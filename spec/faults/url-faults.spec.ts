// Fault injection over real HTTP(S) on 127.0.0.1, part 4: polling and result URLs the service
// hands out. URLs that change every poll, relative ones and very long ones are followed; one that
// leaves the host (another name, address or port, a protocol-relative or userinfo trick, a
// cross-origin redirect), drops from https to http, or is not http(s) at all is refused with an
// LroUrlRejectedError before anything is sent to it, and the error's token resumes from the last
// good URL. The counting HttpClient is also a fence: a request to anything but 127.0.0.1 is
// recorded and never sent, so these tests cannot reach another host even if rx-lro regressed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beginLro, LroBadStatusError, LroUrlRejectedError, resumeLro } from "../../lib/index.js";
import { startArmServer, type ArmServer } from "../../server/index.js";
import { createdWidget, operationDurationInMs, run, saysRunning, serverRetryAfterInMs, stillRunning, useFaultHarness } from "./support/harness.js";
import { hasOpenssl, selfSignedLoopbackCertificate, type SelfSigned } from "./support/self-signed.js";

const h = useFaultHarness();

/**
 * Adds an `Azure-AsyncOperation` header to the n-th answer (from 0) of a status poll:
 * `link(n, statusUrl)` gives it, or `undefined` for none. Only to answers that say the operation
 * is still running (the terminal one goes through untouched, so the server records that it told
 * the client), unless `strikeAt` is given: then the answer to poll `strikeAt` carries the link
 * whatever it says, and the polls before it are made to say "InProgress" (a slow machine must not
 * see the operation end before the fault strikes).
 */
function linkOnPolls(link: (n: number, statusUrl: string) => string | undefined, server: ArmServer = h.server, strikeAt?: number) {
  let n = 0;
  server.setHooks({
    beforeRespond(context, response) {
      if (context.kind !== "statusPoll") return undefined;
      const index = n++;
      const statusUrl = server.operation(context.operationId!)!.statusUrl;
      const value = link(index, statusUrl);
      const forced = strikeAt !== undefined && index < strikeAt ? stillRunning(response) : undefined;
      const base = forced ?? response;
      if (value === undefined || (strikeAt === undefined && !saysRunning(response))) return forced;
      return { ...base, headers: { ...base.headers, "azure-asyncoperation": value } };
    },
  });
}

const statusPolls = (id: string, server: ArmServer = h.server) => server.requests({ operationId: id, kind: "statusPoll" });
const polledUrls = () => h.client.sent.filter((sent) => sent.method === "GET").map((sent) => sent.url);

describe("polling URLs that are followed", () => {
  it("a new polling URL on every poll → each poll goes where the previous answer said; a mid-way token resumes at the latest", async () => {
    linkOnPolls((n, statusUrl) => `${statusUrl}&hop=${n + 1}`);
    const request = h.put({ duration: 150 });

    const outcome = await run(beginLro(request, h.options()));

    const id = h.expectCreated(outcome, request);
    const statusUrl = h.server.operation(id)!.statusUrl;
    const named = (k: number) => (k === 0 ? statusUrl : `${statusUrl}&hop=${k}`);
    const pollUrls = polledUrls().filter((url) => url.includes("/operationStatuses/"));
    // Poll k went to the URL the answer to poll k−1 named (the first to the initial header's)…
    expect(pollUrls).toEqual(pollUrls.map((_, k) => named(k)));
    // …and each state shows the URL its answer named (the terminal answer named none: it keeps the last).
    const last = outcome.states.length - 1;
    expect(outcome.states.map((state) => state.pollingUrl)).toEqual(outcome.states.map((_, k) => named(k === last ? k - 1 : k)));
    expect(pollUrls.length).toBeGreaterThanOrEqual(3);

    // A token taken mid-way (the last running state's) polls the URL that state knew last.
    const midway = outcome.states.at(-2)!;
    expect(midway.pollingUrl).toBe(`${statusUrl}&hop=${midway.pollCount}`);
    const sentBefore = h.client.sent.length;
    await h.resumeToEnd(midway.continuationToken, id);
    expect(h.client.sent[sentBefore]?.url).toBe(midway.pollingUrl);
  });

  it.each([
    ["path-absolute", (statusUrl: string) => statusUrl.slice(statusUrl.indexOf("/subscriptions/"))],
    ["dot-segments", (statusUrl: string) => `../../../../../${statusUrl.slice(statusUrl.indexOf("/providers/") + 1)}`],
  ])("a relative (%s) polling URL in the initial response and every poll → resolved against the request URL, followed to success", async (_form, relative) => {
    h.server.setHooks({
      beforeRespond(context, response) {
        if (context.kind !== "initial" && !(context.kind === "statusPoll" && saysRunning(response))) return undefined;
        const statusUrl = h.server.operation(context.operationId!)!.statusUrl;
        return { ...response, headers: { ...response.headers, "azure-asyncoperation": relative(statusUrl) } };
      },
    });
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    expect(outcome.error).toBeUndefined();
    const id = outcome.operationId!;
    h.expectTrueEnd(outcome, id);
    expect(outcome.states[0]?.rawResponse?.headers.get("azure-asyncoperation")).not.toMatch(/^http/);
    const statusUrl = h.server.operation(id)!.statusUrl;
    expect(outcome.states.every((state) => state.pollingUrl === statusUrl)).toBe(true);
    expect(polledUrls().filter((url) => url.includes("/operationStatuses/")).every((url) => url === statusUrl)).toBe(true);
    expect(outcome.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
  });

  it("a 10 KB polling URL → followed (the limit is 16 KiB), and so is its token", async () => {
    const padding = "x".repeat(10 * 1024);
    linkOnPolls((_n, statusUrl) => `${statusUrl}&pad=${padding}`);
    const request = h.put({ duration: 120 });

    const outcome = await run(beginLro(request, h.options()));

    expect(outcome.error).toBeUndefined();
    const id = outcome.operationId!;
    h.expectTrueEnd(outcome, id);
    const longUrl = `${h.server.operation(id)!.statusUrl}&pad=${padding}`;
    expect(longUrl.length).toBeGreaterThan(10 * 1024);
    expect(polledUrls().slice(1).filter((url) => url.includes("/operationStatuses/")).every((url) => url === longUrl)).toBe(true);
    expect(statusPolls(id).every((record) => record.status === 200)).toBe(true);
    expect(outcome.states[1]?.continuationToken.length).toBeGreaterThan(10 * 1024);
    const sentBefore = h.client.sent.length;
    await h.resumeToEnd(outcome.states[1]!.continuationToken, id);
    expect(h.client.sent[sentBefore]?.url).toBe(longUrl);
  });

  it("a same-origin 302 on a poll is followed by the pipeline, unseen by rx-lro", async () => {
    let redirected = 0;
    h.server.setHooks({
      beforeHandle(context) {
        if (context.kind !== "statusPoll" || context.query.has("moved")) return undefined;
        redirected += 1;
        const statusUrl = h.server.operation(context.operationId!)!.statusUrl;
        return { status: 302, headers: { location: `${statusUrl}&moved=1` } };
      },
    });
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    expect(outcome.error).toBeUndefined();
    h.expectTrueEnd(outcome, outcome.operationId!);
    expect(redirected).toBe(outcome.states.length - 1);
    expect(outcome.states.every((state) => state.httpStatus !== 302)).toBe(true);
    expect(outcome.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
  });
});

describe("polling URLs that are refused before anything is sent to them", () => {
  /**
   * Injects `hostile` on the answer to the second poll, and checks the exact refusal: the
   * message, nothing sent after that answer (and nothing fenced), the last good state carried,
   * and a token that resumes to the end.
   */
  async function expectRefusedMidPoll(hostile: string, reason: string) {
    linkOnPolls((n) => (n === 1 ? hostile : undefined), h.server, 1);
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    const error = outcome.error as LroUrlRejectedError;
    expect(error).toBeInstanceOf(LroUrlRejectedError);
    expect(error.message).toBe(`Refused to follow ${JSON.stringify(hostile.length > 200 ? `${hostile.slice(0, 200)}…` : hostile)}: ${reason}`);
    const id = outcome.operationId!;
    // The PUT and two polls, then nothing: not even to the fence.
    expect(h.client.sent.map((sent) => sent.method)).toEqual(["PUT", "GET", "GET"]);
    expect(h.client.sent.some((sent) => sent.fenced)).toBe(false);
    expect(statusPolls(id)).toHaveLength(2);
    expect(outcome.states.map((state) => state.pollCount)).toEqual([0, 1]);
    expect(error.state).toBe(outcome.states[1]);
    expect(error.state?.pollingUrl).toBe(h.server.operation(id)!.statusUrl);

    const resumed = await h.resumeToEnd(error.continuationToken, id);
    expect(resumed.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
    expect(h.client.sent.some((sent) => sent.fenced)).toBe(false);
    return error;
  }

  const self = () => `127.0.0.1:${h.server.port}`;
  it.each([
    ["another host name", () => "http://attacker.invalid:1/x", "attacker.invalid:1"],
    ["another loopback address", () => `http://127.0.0.2:${h.server.port}/x`, () => `127.0.0.2:${h.server.port}`],
    ["localhost (same machine, another name)", () => `http://localhost:${h.server.port}/x`, () => `localhost:${h.server.port}`],
    ["another port", () => `http://127.0.0.1:1/x`, "127.0.0.1:1"],
    ["a protocol-relative URL", () => "//attacker.invalid/x", "attacker.invalid"],
    ["a userinfo trick", () => `http://127.0.0.1:${h.server.port}@attacker.invalid/x`, "attacker.invalid"],
  ])("%s → LroUrlRejectedError; the token resumes from the last good URL", async (_what, hostile, host) => {
    const shownHost = typeof host === "function" ? host() : host;
    const error = await expectRefusedMidPoll(hostile(), `host ${shownHost} is neither the initial request's (${self()}) nor listed in allowedHosts`);
    expect(error.url).toBe(hostile());
  });

  it.each([
    ["javascript:", "javascript:alert(document.cookie)"],
    ["file:", "file:///etc/passwd"],
    ["data:", 'data:application/json,{"status":"Succeeded"}'],
    ["ftp:", "ftp://127.0.0.1/x"],
    ["ws:", "ws://127.0.0.1:1/x"],
  ])("another scheme (%s) → LroUrlRejectedError; the token resumes", async (scheme, hostile) => {
    await expectRefusedMidPoll(hostile, `the ${scheme} scheme is not http(s)`);
  });

  it("a URL that does not parse → LroUrlRejectedError; the token resumes", async () => {
    await expectRefusedMidPoll("http://[::1/x", "not a valid URL");
  });

  it("in the initial response → LroUrlRejectedError with that response's state and a token that refuses the URL again: only the PUT was sent", async () => {
    h.server.setHooks({
      beforeRespond: (context, response) =>
        context.kind === "initial" ? { ...response, headers: { ...response.headers, "azure-asyncoperation": "http://attacker.invalid:1/x" } } : undefined,
    });
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    const error = outcome.error as LroUrlRejectedError;
    expect(error).toBeInstanceOf(LroUrlRejectedError);
    expect(error.message).toBe(
      `Refused to follow "http://attacker.invalid:1/x": host attacker.invalid:1 is neither the initial request's (${self()}) nor listed in allowedHosts`,
    );
    expect(outcome.states).toEqual([]);
    // The operation has started: the error carries the initial response's state (never polled) and its token.
    expect(error.state).toMatchObject({ status: "running", pollCount: 0, httpStatus: 201, strategy: "azureAsyncOperation" });
    expect(error.state?.pollingUrl).toBeUndefined();
    expect(error.continuationToken).toEqual(expect.any(String));
    // Resuming applies the policy again, at the call: still refused (the host is not allowed), nothing sent.
    expect(() => resumeLro(error.continuationToken!, { ...h.options(), allowedHosts: [self()] })).toThrowError(
      /Refused to follow "http:\/\/attacker\.invalid:1\/x": host attacker\.invalid:1 is neither the initial request's/,
    );
    expect(h.client.sent.map((sent) => [sent.method, sent.fenced])).toEqual([["PUT", false]]);
    // The operation started all the same, and nobody polls it.
    const [operation] = h.server.operations().filter((snapshot) => snapshot.resourceId.endsWith(`/widgets/${request.name}`));
    expect(operation?.polls).toBe(0);
  });

  it("a cross-origin 302 on a poll is not followed by the pipeline → LroBadStatusError 302; nothing sent elsewhere; the token resumes", async () => {
    h.server.setHooks({
      beforeHandle: (context) => (context.kind === "statusPoll" ? { status: 302, headers: { location: "http://attacker.invalid:1/x" } } : undefined),
    });
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    const error = outcome.error as LroBadStatusError;
    expect(error).toBeInstanceOf(LroBadStatusError);
    expect(error.httpStatus).toBe(302);
    const id = outcome.operationId!;
    expect(error.message).toBe(`Unexpected HTTP status 302 while polling ${h.server.operation(id)!.statusUrl.split("?")[0]}?….`);
    expect(h.client.sent.map((sent) => [sent.method, sent.fenced])).toEqual([
      ["PUT", false],
      ["GET", false],
    ]);
    const resumed = await h.resumeToEnd(error.continuationToken, id);
    expect(resumed.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
  });

  it("a 20 KB resourceLocation in the Succeeded status → LroUrlRejectedError before the final GET; the token resumes to the result", async () => {
    const huge = `${h.server.url}/x?pad=${"x".repeat(20 * 1024)}`;
    h.server.setHooks({
      beforeRespond: (context, response) =>
        context.kind === "statusPoll" && !saysRunning(response) ? { ...response, body: { ...(response.body as object), resourceLocation: huge } } : undefined,
    });
    const request = h.put();

    const outcome = await run(beginLro(request, h.options()));

    const error = outcome.error as LroUrlRejectedError;
    expect(error).toBeInstanceOf(LroUrlRejectedError);
    // Shown without its query string, which may carry a signature.
    expect(error.message).toBe(`Refused to follow "${h.server.url}/x?…": longer than 16384 characters`);
    expect(error.url).toBe(`${h.server.url}/x?…`);
    const id = outcome.operationId!;
    expect(h.server.requests({ operationId: id, kind: "resourceGet" })).toEqual([]);
    expect(h.client.sent.at(-1)?.url).toContain("/operationStatuses/");
    expect(error.state).toBe(outcome.states.at(-1));
    expect(error.state?.status).toBe("running");

    const resumed = await h.resumeToEnd(error.continuationToken, id);
    expect(resumed.states).toHaveLength(1);
    expect(resumed.states[0]).toMatchObject({ status: "succeeded", result: createdWidget(request.name), resultUrl: request.url });
  });

  it("another port on 127.0.0.1 is another origin: refused, unless allowedHosts lists it (then followed for real)", async () => {
    const other = await startArmServer({ duration: 0 });
    try {
      const elsewhere = (statusUrl: string) => statusUrl.replace(h.server.url, other.url);
      linkOnPolls((n, statusUrl) => (n === 0 ? elsewhere(statusUrl) : undefined), h.server, 0);
      const refused = await run(beginLro(h.put(), h.options()));
      expect(refused.error).toBeInstanceOf(LroUrlRejectedError);
      expect((refused.error as LroUrlRejectedError).message).toContain(`host 127.0.0.1:${other.port} is neither the initial request's`);
      expect(other.stats().requests.total).toBe(0);

      linkOnPolls((n, statusUrl) => (n === 0 ? elsewhere(statusUrl) : undefined), h.server, 0);
      const followed = await run(beginLro(h.put(), h.options({ allowedHosts: [`127.0.0.1:${other.port}`] })));
      // The other server does not know the operation: its 404 proves the poll went there.
      expect(followed.error).toBeInstanceOf(LroBadStatusError);
      expect((followed.error as LroBadStatusError).httpStatus).toBe(404);
      expect((followed.error as LroBadStatusError).error?.code).toBe("OperationNotFound");
      expect(other.requests().map((record) => [record.kind, record.status])).toEqual([["statusPoll", 404]]);
      expect(h.client.sent.some((sent) => sent.fenced)).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe.skipIf(!hasOpenssl())("https → http (an https ARM server on 127.0.0.1 with a throwaway self-signed certificate)", () => {
  let certificate: SelfSigned;
  let secure: ArmServer;
  /** Trusts the throwaway certificate for every request of the operation, polls included. */
  const trusting = () => h.options({ pipeline: h.pipeline({ tlsOptions: { ca: certificate.cert } }) });

  beforeAll(async () => {
    certificate = selfSignedLoopbackCertificate();
    secure = await startArmServer({ tls: certificate, duration: operationDurationInMs, retryAfter: null, retryAfterMs: serverRetryAfterInMs });
  });

  afterAll(async () => {
    await secure.close();
  });

  it("serves https, and an operation on it succeeds (the control)", async () => {
    secure.setHooks(undefined);
    expect(secure.url).toBe(`https://127.0.0.1:${secure.port}`);
    const request = h.put({}, secure);

    const outcome = await run(beginLro(request, trusting()));

    expect(outcome.error).toBeUndefined();
    h.expectTrueEnd(outcome, outcome.operationId!, secure);
    expect(outcome.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
    expect(h.client.sent.every((sent) => sent.url.startsWith("https://"))).toBe(true);
  });

  it("a poll answer pointing at http on the same host and port → LroUrlRejectedError before any http request; the token resumes over https", async () => {
    linkOnPolls((n, statusUrl) => (n === 1 ? statusUrl.replace("https:", "http:") : undefined), secure, 1);
    const request = h.put({}, secure);

    const outcome = await run(beginLro(request, trusting()));

    const error = outcome.error as LroUrlRejectedError;
    expect(error).toBeInstanceOf(LroUrlRejectedError);
    const id = outcome.operationId!;
    const downgraded = secure.operation(id)!.statusUrl.replace("https:", "http:");
    expect(error.message).toBe(`Refused to follow "${downgraded.split("?")[0]}?…": it downgrades the operation from https to http`);
    expect(h.client.sent.map((sent) => sent.url.split(":")[0])).toEqual(["https", "https", "https"]);
    expect(statusPolls(id, secure)).toHaveLength(2);
    expect(error.state).toBe(outcome.states[1]);

    const resumed = await h.resumeToEnd(error.continuationToken, id, { pipeline: h.pipeline({ tlsOptions: { ca: certificate.cert } }) }, secure);
    expect(resumed.states.at(-1)).toMatchObject({ status: "succeeded", result: createdWidget(request.name) });
    expect(h.client.sent.every((sent) => sent.url.startsWith("https://"))).toBe(true);
  });

  it("an initial response pointing at http → LroUrlRejectedError whose token refuses it again; nothing sent but the PUT", async () => {
    secure.setHooks({
      beforeRespond: (context, response) =>
        context.kind === "initial"
          ? { ...response, headers: { ...response.headers, "azure-asyncoperation": response.headers!["azure-asyncoperation"]!.replace("https:", "http:") } }
          : undefined,
    });
    const request = h.put({}, secure);

    const outcome = await run(beginLro(request, trusting()));

    const error = outcome.error as LroUrlRejectedError;
    expect(error).toBeInstanceOf(LroUrlRejectedError);
    expect(error.message).toMatch(/^Refused to follow "http:\/\/127\.0\.0\.1:\d+\/subscriptions\/[^?]*\?…": it downgrades the operation from https to http$/);
    expect(error.state).toMatchObject({ status: "running", pollCount: 0, httpStatus: 201 });
    // No allowedHosts entry can accept a downgrade: the token is refused at the call, every time.
    expect(() => resumeLro(error.continuationToken!, { ...trusting(), allowedHosts: [`127.0.0.1:${secure.port}`] })).toThrowError(/downgrades the operation from https to http/);
    expect(h.client.sent.map((sent) => [sent.method, sent.url.split(":")[0]])).toEqual([["PUT", "https"]]);
  });

  // TLS settings belong to the pipeline (`tlsOptions`, as above), where every poll uses them:
  // core-rest-pipeline 1.24's createPipelineRequest drops a request's `tlsSettings` (and `agent`),
  // and polls are requests of their own, so `LroRequest` does not take them at all.
  it("refuses tlsSettings on the request at compile time: TLS is the pipeline's", () => {
    const request = h.put({}, secure);
    // @ts-expect-error `tlsSettings` is not an LroRequest option
    const states$ = beginLro({ ...request, tlsSettings: { ca: certificate.cert } }, h.options());
    expect(states$).toBeDefined(); // cold: nothing was sent
    expect(h.client.sent).toHaveLength(0);
  });
});
