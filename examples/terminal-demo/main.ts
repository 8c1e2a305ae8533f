/**
 * `npm run demo`: starts the embedded ARM server on a free loopback port, begins a dozen
 * operations of every kind through rx-lro, and shows them live: a redrawn dashboard on a
 * terminal, plain line updates on anything else (CI, a pipe). When all have ended it prints a
 * summary and exits 0. Ctrl-C unsubscribes everything and shows that no request is left in flight.
 */
import { createDefaultHttpClient, createPipelineFromOptions } from "@azure/core-rest-pipeline";
import logUpdate from "log-update";
import { catchError, concat, defer, EMPTY, finalize, forkJoin, lastValueFrom, merge, type Observable, skip, take, tap } from "rxjs";
import { beginLro, lroResult, resumeLro, type LroOptions, type LroState } from "../../lib/index.js";
import { startArmServer, type ArmServer } from "../../server/index.js";
import { countingClient } from "./counting-client.js";
import { renderDashboard, renderSummary, renderUpdate, type Row } from "./render.js";
import { scenarios, type Scenario } from "./scenarios.js";

const interactive = process.stdout.isTTY === true && process.env.CI === undefined;

function requestFor(server: ArmServer, scenario: Scenario) {
  const query = {
    duration: scenario.duration,
    retryAfter: 1,
    ...(scenario.lroHeaders === undefined ? {} : { lroHeaders: scenario.lroHeaders }),
    ...(scenario.outcome === undefined ? {} : { outcome: scenario.outcome }),
  };
  return {
    url: server.resourceUrl(scenario.widget, { query, ...(scenario.action === undefined ? {} : { action: scenario.action }) }),
    method: scenario.method,
    ...(scenario.method === "PUT" || scenario.method === "PATCH" ? { json: { location: "westeurope", properties: { size: 3 } } } : {}),
    ...(scenario.action === "migrate" ? { json: { targetRegion: "northeurope" } } : {}),
    allowInsecureConnection: true,
  };
}

/** The widgets that PATCH, DELETE and the actions work on, created (at once) before the show. */
function seedWidgets(server: ArmServer, options: LroOptions): Promise<unknown> {
  const seeds = scenarios
    .filter((scenario) => scenario.needsWidget)
    .map((scenario) =>
      beginLro(
        { url: server.resourceUrl(scenario.widget, { query: { duration: 0 } }), method: "PUT", json: { location: "westeurope" }, allowInsecureConnection: true },
        options,
      ).pipe(lroResult()),
    );
  return lastValueFrom(forkJoin(seeds));
}

/** One operation's states; the "resumed" one is dropped after its second state and picked up from its token. */
function follow(server: ArmServer, scenario: Scenario, row: Row, options: LroOptions): Observable<LroState> {
  const begun$ = beginLro(requestFor(server, scenario), options);
  if (!scenario.resumeMidway) return begun$;
  let last: LroState | undefined;
  return concat(
    begun$.pipe(take(2), tap((state) => (last = state))),
    defer(() => {
      row.resumedFrom = last;
      // A new stream from the token alone, as another process would do after a restart. A token
      // is untrusted input: only hosts the app vouches for are followed (Azure's own by default;
      // this loopback server must be listed).
      return resumeLro(last!.continuationToken, { ...options, allowedHosts: [new URL(server.url).host] });
    }),
  );
}

async function main(): Promise<void> {
  const server = await startArmServer({ retryAfter: 1 });
  const httpClient = countingClient(createDefaultHttpClient());
  const options: LroOptions = { pipeline: createPipelineFromOptions({}), httpClient, intervalInMs: 1000 };
  await seedWidgets(server, options);
  const seeded = httpClient.sent;

  const startedAt = Date.now();
  const rows: Row[] = scenarios.map((scenario) => ({ scenario, startedAt, polls: 0 }));
  const print = (row: Row) => {
    if (!interactive) console.log(renderUpdate(row, Date.now()));
  };
  console.log(`rx-lro demo against ${server.url} (embedded ARM server, ${scenarios.length} operations)`);

  const streams = rows.map((row) =>
    follow(server, row.scenario, row, options).pipe(
      tap((state) => {
        // Polls across both streams of the resumed one.
        row.polls = (row.resumedFrom?.pollCount ?? 0) + state.pollCount;
        if (row.resumedFrom !== undefined && state === row.resumedFrom) return;
        row.state = state;
        print(row);
      }),
      catchError((error: Error) => {
        row.error = error;
        print(row);
        return EMPTY;
      }),
      finalize(() => (row.endedAt ??= Date.now())),
    ),
  );

  const redraw = interactive ? setInterval(() => logUpdate(renderDashboard(rows, Date.now(), true)), 100) : undefined;
  let interrupted = false;

  let onInterrupt = () => {};
  await new Promise<void>((resolve) => {
    const subscription = merge(...streams).subscribe({ complete: resolve });
    onInterrupt = () => {
      interrupted = true;
      subscription.unsubscribe();
      resolve();
    };
    // `on`, not `once`: log-update's cursor handling re-raises SIGINT when no other listener is left.
    process.on("SIGINT", onInterrupt);
  });

  if (redraw !== undefined) {
    clearInterval(redraw);
    logUpdate(renderDashboard(rows, Date.now(), true));
    logUpdate.done();
  }
  const stats = server.stats();
  if (interrupted) {
    // Unsubscribing aborted every request in flight: nothing is left waiting on the server.
    await new Promise((resolve) => setTimeout(resolve, 50));
    console.log(`\nInterrupted: unsubscribed from every operation. Requests still in flight: ${httpClient.inFlight}.`);
    console.log("The operations keep running on the server; their continuation tokens would resume them.");
  } else {
    console.log(`\n${renderSummary(rows)}`);
    const polls = httpClient.sent - seeded;
    console.log(`\n${polls} requests for ${rows.length} operations in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; server counted ${stats.requests.total} requests in all (incl. ${seeded} to create the widgets).`);
  }
  await server.close();
  process.off("SIGINT", onInterrupt);
  process.exitCode = interrupted ? 130 : 0;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
