/**
 * Builds the dashboard and serves it from the embedded ARM server on 127.0.0.1, until Ctrl-C.
 *
 *   npx tsx examples/browser-dashboard/serve.ts          # PORT=8080 to pick the port
 * @module
 */
import { startArmServer } from "../../server/index.js";
import { buildDashboard } from "./build.js";

const staticDir = await buildDashboard();
const server = await startArmServer({
  staticDir,
  port: Number(process.env.PORT ?? 0),
  onError: (error, request) => process.stderr.write(`500 on ${request.method} ${request.path}: ${String(error)}\n`),
});
process.stdout.write(`rx-lro dashboard: ${server.url}/\n(Ctrl-C to stop)\n`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
