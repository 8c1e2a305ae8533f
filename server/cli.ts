/**
 * Runs the ARM demo server until Ctrl-C or SIGTERM:
 *
 *   npx tsx server/cli.ts [--port N] [--duration ms] [--retry-after s] [--static dir] [--cors]
 *
 * Prints its URL and a few curl lines to try. Exits 0 on a signal, 2 on bad arguments, 1 when
 * it cannot listen (e.g. the port is taken).
 * @module
 */
import { parseArgs } from "node:util";
import { startArmServer, type ArmServerOptions } from "./index.js";

const usage = `Usage: npx tsx server/cli.ts [--port N] [--duration ms] [--retry-after s] [--static dir] [--cors]

  --port N          port on 127.0.0.1 (default: a free one)
  --duration ms     default operation duration (default 4000)
  --retry-after s   default Retry-After in seconds, or "none" (default 1)
  --static dir      serve this directory at / (index.html)
  --cors            allow browser pages on other origins
  --quiet           do not log requests that fail with 5xx
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(2);
}

function integerArg(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) fail(`--${name} must be an integer from 0 to ${max}, got '${value}'`);
  return Number(value);
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parse>["values"];
  function parse() {
    return parseArgs({
      options: {
        port: { type: "string" },
        duration: { type: "string" },
        "retry-after": { type: "string" },
        static: { type: "string" },
        cors: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
  }
  try {
    values = parse().values;
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help === true) {
    process.stdout.write(usage);
    return;
  }
  const retryAfter = values["retry-after"];
  const options: ArmServerOptions = {
    port: integerArg("port", values.port, 65535) ?? 0,
    ...(values.duration === undefined ? {} : { duration: integerArg("duration", values.duration, 86_400_000) }),
    ...(retryAfter === undefined ? {} : { retryAfter: retryAfter === "none" ? null : integerArg("retry-after", retryAfter, 3600) }),
    ...(values.static === undefined ? {} : { staticDir: values.static }),
    cors: values.cors === true,
    ...(values.quiet === true
      ? {}
      : { onError: (error: unknown, request: { method: string; path: string }) => console.error(`500 ${request.method} ${request.path}:`, error) }),
  };

  let server;
  try {
    server = await startArmServer(options);
  } catch (error) {
    process.stderr.write(`Cannot start the server: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const widget = server.resourceUrl("my-widget");
  const base = widget.slice(0, widget.indexOf("?"));
  const q = widget.slice(widget.indexOf("?"));
  process.stdout.write(
    [
      `ARM demo server listening on ${server.url}${values.static === undefined ? "" : ` (static files from ${values.static})`}`,
      "",
      "Try:",
      `  curl -i -X PUT '${widget}' -H 'content-type: application/json' -d '{"location":"westeurope","properties":{"size":3}}'`,
      `  curl -i '<the Azure-AsyncOperation URL it returns>'`,
      `  curl -i -X PATCH '${widget}&lroHeaders=both&duration=10000' -d '{"properties":{"size":5}}'`,
      `  curl -i -X POST '${base}/migrate${q}&outcome=fail' -d '{"targetLocation":"northeurope"}'`,
      `  curl -i -X DELETE '${widget}' -H 'x-demo-retry-after: 0'`,
      `  curl -s ${server.url}/_admin/stats`,
      `  curl -s '${server.url}/_admin/operations?status=running'`,
      "",
      "Ctrl-C to stop.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping…\n`);
    void server.close().then(() => process.exit(0));
    // A close that hangs must not keep the terminal hostage.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

await main();
