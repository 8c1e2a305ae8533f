/**
 * `npm run portal`: installs the example when needed, puts the packed library into it, builds it,
 * and serves the build from the embedded ARM server on 127.0.0.1 (deep links fall back to
 * index.html), until Ctrl-C.
 *
 *   npm run portal [-- --zone] [--port N] [--duration ms] [--cors] [--skip-build]
 *
 * `--zone` serves the zone.js build instead of the zoneless one. `--cors` serves the app from a
 * second loopback origin and the API cross-origin (the server's `--cors`), through `?api=`.
 */
import { parseArgs } from "node:util";
import { startArmServer, type ArmServer } from "../../../server/index.js";
import { buildDir, buildPortal, ensureInstalled, installPackedLibrary, step, type PortalBuild } from "./portal.js";

const { values } = parseArgs({
  options: {
    zone: { type: "boolean" },
    port: { type: "string" },
    duration: { type: "string" },
    cors: { type: "boolean" },
    "skip-build": { type: "boolean" },
  },
});

const build: PortalBuild = values.zone === true ? "zone" : "zoneless";
if (values["skip-build"] !== true) {
  await step("install the example (npm ci, when needed)", ensureInstalled);
  await step("build and pack rx-lro into the example", installPackedLibrary);
  await step(`ng build (${build})`, () => buildPortal(build));
}

const port = values.port === undefined ? 0 : Number(values.port);
const duration = values.duration === undefined ? 6000 : Number(values.duration);
const servers: ArmServer[] = [];
let url: string;
if (values.cors === true) {
  const api = await startArmServer({ port, duration, cors: true });
  const pages = await startArmServer({ staticDir: buildDir(build) });
  servers.push(api, pages);
  url = `${pages.url}/?api=${encodeURIComponent(api.url)}`;
  console.log(`ARM API (CORS) on ${api.url}`);
} else {
  const server = await startArmServer({ port, duration, staticDir: buildDir(build) });
  servers.push(server);
  url = `${server.url}/`;
}
console.log(`\nrx-lro portal (${build}) at ${url}\nCtrl-C to stop.`);

const stop = async () => {
  await Promise.all(servers.map((server) => server.close()));
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
