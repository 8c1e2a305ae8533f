// `npm run test:peers`: checks rx-lro against the LOWEST versions its dependency ranges allow.
// The newest that runs on Node 20 (@azure/core-rest-pipeline 1.24; 1.25 needs Node 22) is the
// devDependency, which `npm test` runs against. For each lowest version this installs the peers
// into a scratch directory under node_modules/.cache (outside the working tree's tracked files),
// type-checks lib/ against their typings, and runs the loopback integration suites (embedded ARM
// server, AutoRest test server), the HTTP and strategy specs with those copies swapped in
// (spec/peers/vitest.peers.config.ts).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The lowest version a `^x.y.z` range allows: the range is the single source of truth. */
function lowest(range: string | undefined, name: string): string {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range ?? "");
  if (match === null) throw new TypeError(`Expected ${name}'s range to be ^x.y.z, got ${JSON.stringify(range)}`);
  return match[1]!;
}

const peers = {
  "@azure/core-rest-pipeline": lowest(manifest.peerDependencies["@azure/core-rest-pipeline"], "@azure/core-rest-pipeline"),
  "@azure/logger": lowest(manifest.dependencies["@azure/logger"], "@azure/logger"),
};
const dir = join(root, "node_modules", ".cache", "rx-lro-peers", Object.values(peers).join("+"));

function installed(name: string): string | undefined {
  const file = join(dir, "node_modules", name, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version : undefined;
}

const run = (command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync(command, args, { cwd: root, stdio: "inherit", env });

const started = Date.now();
if (Object.entries(peers).some(([name, version]) => installed(name) !== version)) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, description: "scratch install for npm run test:peers" }));
  const specs = Object.entries(peers).map(([name, version]) => `${name}@${version}`);
  run("npm", ["install", "--prefix", dir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error", ...specs]);
}
for (const [name, version] of Object.entries(peers)) {
  if (installed(name) !== version) throw new Error(`${name}@${version} did not install into ${dir} (found ${installed(name)})`);
}
console.log(`test:peers: ${Object.entries(peers).map(([name, version]) => `${name}@${version}`).join(", ")} in ${dir}`);

// lib/ type-checks against the lowest typings (what an app compiles rx-lro's .d.ts with).
const typings = (name: string) => {
  const packageDir = join(dir, "node_modules", name);
  const { types, typings: legacy } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { types?: string; typings?: string };
  return join(packageDir, types ?? legacy ?? "index.d.ts");
};
const tsconfig = join(dir, "tsconfig.json");
// `paths` replaces the extended config's own, so its entries (rx-lro/angular importing "rx-lro") come along.
const { compilerOptions: rootOptions } = JSON.parse(
  readFileSync(join(root, "tsconfig.json"), "utf8").replace(/^\s*\/\/.*$/gm, ""),
) as { compilerOptions: { paths?: Record<string, string[]> } };
const rootPaths = Object.fromEntries(Object.entries(rootOptions.paths ?? {}).map(([name, targets]) => [name, targets.map((target) => join(root, target))]));
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: join(root, "tsconfig.json"),
    compilerOptions: {
      paths: { ...rootPaths, ...Object.fromEntries(Object.keys(peers).map((name) => [name, [typings(name)]])) },
      typeRoots: [join(root, "node_modules", "@types")],
    },
    include: [join(root, "lib")],
  }),
);
run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig, "--noEmit"]);

run(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--config", "spec/peers/vitest.peers.config.ts"], {
  ...process.env,
  RX_LRO_PEERS_DIR: dir,
  RX_LRO_PEER_VERSION: peers["@azure/core-rest-pipeline"],
});
console.log(`test:peers: passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
