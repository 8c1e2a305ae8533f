/**
 * The steps shared by `npm run portal` and `npm run test:portal` (run from the repository root
 * with the root's tsx): install the example from its own lockfile when needed, put the PACKED
 * library into its node_modules (never into its package.json or lockfile), and build it.
 *
 * Everything they write is git-ignored: the example's node_modules/, dist/, .angular/ and
 * .rx-lro/ (the tarball), and the root's dist/.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** examples/angular-portal */
export const portalDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The repository root (the library). */
export const rootDir = resolve(portalDir, "..", "..");

/** The two builds: zoneless (the default configuration) and zone.js. */
export type PortalBuild = "zoneless" | "zone";

/** Where a build's browser files land. */
export function buildDir(build: PortalBuild): string {
  return join(portalDir, "dist", build);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs a command with inherited output; rejects on a non-zero exit. */
export function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: "inherit", env: { ...process.env, NG_CLI_ANALYTICS: "false" } });
    child.on("error", fail);
    child.on("exit", (code, signal) =>
      code === 0 ? done() : fail(new Error(`${command} ${args.join(" ")} (in ${cwd}) exited with ${signal ?? code}`)),
    );
  });
}

/** Times a step and prints how long it took. */
export async function step<T>(name: string, work: () => Promise<T>, timings?: Map<string, number>): Promise<T> {
  const started = performance.now();
  console.log(`\n▶ ${name}`);
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  timings?.set(name, seconds);
  console.log(`✔ ${name} (${seconds.toFixed(1)} s)`);
  return result;
}

/**
 * `npm ci` in the example when its node_modules is missing or older than its lockfile. `npm ci`
 * installs exactly the committed lockfile and never writes it.
 */
export async function ensureInstalled(): Promise<boolean> {
  const lock = join(portalDir, "package-lock.json");
  const installed = join(portalDir, "node_modules", ".package-lock.json");
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return false;
  await run(npm, ["ci", "--no-audit", "--no-fund"], portalDir);
  return true;
}

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

/**
 * Builds the library (`npm run build` at the root), packs it as it would be published
 * (`npm pack`), and unpacks the tarball as the example's `node_modules/rx-lro`. The example
 * imports only the package's public entries, so this checks the exports map and the typings
 * as a user gets them. Returns the tarball's path.
 */
export async function installPackedLibrary(): Promise<string> {
  await run(npm, ["run", "build", "--silent"], rootDir);
  const packDir = join(portalDir, ".rx-lro");
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  await run(npm, ["pack", "--silent", "--pack-destination", packDir], rootDir);
  const tarball = readdirSync(packDir).find((name) => name.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack left no tarball in ${packDir}`);
  const target = join(portalDir, "node_modules", "rx-lro");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  await run("tar", ["-xzf", join(packDir, tarball), "-C", target, "--strip-components=1"], portalDir);
  checkDependencies(readJson<PackageJson>(join(target, "package.json")));
  return join(packDir, tarball);
}

/**
 * The packed library's dependencies and peers come from the example's own lockfile: each must be
 * installed there in a version the library accepts, or the example would build against
 * something the library never promised to work with.
 */
function checkDependencies(library: PackageJson): void {
  const fromPortal = createRequire(join(portalDir, "package.json"));
  const semver = fromPortal("semver") as { satisfies(version: string, range: string): boolean };
  const wanted = { ...library.peerDependencies, ...library.dependencies };
  const problems: string[] = [];
  for (const [name, range] of Object.entries(wanted)) {
    const manifest = join(portalDir, "node_modules", ...name.split("/"), "package.json");
    if (!existsSync(manifest)) {
      if (library.peerDependenciesMeta?.[name]?.optional !== true) problems.push(`${name}@${range} is not installed`);
      continue;
    }
    const { version } = readJson<PackageJson>(manifest);
    if (!semver.satisfies(version, range)) problems.push(`${name}@${version} does not satisfy ${range}`);
  }
  if (problems.length > 0) {
    throw new Error(
      `The example's lockfile does not match ${library.name}@${library.version}: ${problems.join("; ")}. ` +
        "Update examples/angular-portal/package.json and run `npm install` there.",
    );
  }
}

/** `ng build` of one configuration (production, optimized). */
export async function buildPortal(build: PortalBuild): Promise<string> {
  const ng = join(portalDir, "node_modules", "@angular", "cli", "bin", "ng.js");
  // --stats-json: the esbuild metafile, for bundle-report.ts.
  await run(process.execPath, [ng, "build", ...(build === "zone" ? ["--configuration", "zone"] : []), "--stats-json", "--progress=false"], portalDir);
  return buildDir(build);
}

/** The example's unit tests (`ng test`: Angular's unit-test builder, vitest, jsdom). */
export async function testPortal(): Promise<void> {
  const ng = join(portalDir, "node_modules", "@angular", "cli", "bin", "ng.js");
  await run(process.execPath, [ng, "test", "--watch=false", "--progress=false"], portalDir);
}
