// What `npm pack` publishes, checked the way a user meets it: the project as a clean clone has
// it (tracked and untracked files, no node_modules, no old dist) with a fresh build, packed;
// the tarball unpacked into a node_modules/rx-lro, then imported by name from ESM and CJS
// (separate Node processes, resolving through the exports map), type-checked by name from a
// .mts and a .cts file, and linted with publint and @arethetypeswrong/cli. Its error classes
// must hold across the two builds (the dual-package hazard).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = process.cwd();
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const manifest = JSON.parse(readFileSync("package.json", "utf8")) as {
  name: string;
  license: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  repository?: unknown;
  homepage?: unknown;
};

/** Every file an exports map names, from its nested conditions. */
function exportTargets(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (typeof value !== "object" || value === null) return [];
  return Object.values(value).flatMap(exportTargets);
}

/** The subpaths that are code entry points (`.`, `./testing`, …), as import specifiers. */
const entryPoints = Object.keys(manifest.exports)
  .filter((subpath) => !subpath.endsWith(".json"))
  .map((subpath) => (subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));

// Inside node_modules, so the unpacked package resolves its peers (rxjs, @azure/core-rest-pipeline) from ours.
mkdirSync(join("node_modules", ".cache"), { recursive: true });
const scratch = mkdtempSync(join(root, "node_modules", ".cache", "rx-lro-pack-"));
const stage = join(scratch, "stage");
const consumer = join(scratch, "consumer");
const installed = join(consumer, "node_modules", manifest.name);
let tarball: string;
let packed: string[];

beforeAll(() => {
  // The tree as a clean clone would have it (its tracked files: no build output, and none of an
  // example's own node_modules): what `files` picks from is then what it would pick from.
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0");
  for (const file of tracked.filter((path) => path !== "" && existsSync(join(root, path)))) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    copyFileSync(join(root, file), join(stage, file));
  }
  execFileSync(process.execPath, [join("node_modules", "tsup", "dist", "cli-default.js"), "--out-dir", join(stage, "dist"), "--silent"], { stdio: "pipe" });
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", scratch, "--loglevel=error"], { cwd: stage, encoding: "utf8" }),
  ) as [{ filename: string; files: { path: string }[] }];
  tarball = join(scratch, pack.filename);
  packed = pack.files.map((file) => file.path).sort();
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * rx-lro/angular loads @angular/common, whose partially compiled declarations need Angular's
 * linker (an Angular CLI build) or, in plain Node as here, the JIT compiler loaded first.
 */
const angularJit = { esm: 'await import("@angular/compiler");\n', cjs: 'require("@angular/compiler");\n' };

/** Runs a script in the consumer project, as a file of its own (`.mjs` or `.cjs`), and parses what it prints. */
function runInConsumer(file: string, source: string): unknown {
  writeFileSync(join(consumer, file), source);
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: consumer, encoding: "utf8" }));
}

describe("npm pack", () => {
  it("ships the build, the README, the LICENSE and package.json, and nothing else", () => {
    const allowed = [/^dist\/.+\.(js|cjs|d\.ts|d\.cts)(\.map)?$/, /^README\.md$/, /^LICENSE$/, /^package\.json$/];
    expect(packed.filter((path) => !allowed.some((pattern) => pattern.test(path)))).toEqual([]);
    expect(packed).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json"]));
    // Every file the exports map names is in it.
    const targets = exportTargets(manifest.exports).map((target) => target.replace(/^\.\//, ""));
    expect(targets.filter((target) => !packed.includes(target))).toEqual([]);
  });

  it("shares @azure/core-rest-pipeline with the app as a peer (any 1.x from the tested lowest), keeping a copy only for its own tests", () => {
    const { peerDependencies, dependencies = {}, devDependencies = {} } = manifest;
    expect(peerDependencies["@azure/core-rest-pipeline"]).toMatch(/^\^1\.\d+\.\d+$/);
    expect(dependencies["@azure/core-rest-pipeline"]).toBeUndefined();
    expect(devDependencies["@azure/core-rest-pipeline"]).toBeDefined();
    // @azure/logger stays a dependency, with a range as wide, so npm dedupes it with the pipeline's.
    expect(dependencies["@azure/logger"]).toMatch(/^\^1\.\d+\.\d+$/);
  });

  it("has an MIT LICENSE, as package.json says, and invents no repository or homepage", () => {
    expect(manifest.license).toBe("MIT");
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
    // Neither field may name a URL the project does not have; when one is added, it must be the real one.
    expect(manifest.repository).toBeUndefined();
    expect(manifest.homepage).toBeUndefined();
  });

  it("links no image in the README that the registry page could not show", () => {
    const readme = readFileSync(join(installed, "README.md"), "utf8");
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((match) => match[1]!);
    // A relative image resolves against the repository, which the package does not name.
    expect(images.filter((url) => !/^https:\/\//.test(url))).toEqual([]);
  });

  it("imports by name from ESM and from CJS, every entry point exposing the same names", () => {
    const esm = runInConsumer(
      "esm-imports.mjs",
      `${angularJit.esm}const names = {};\nfor (const name of ${JSON.stringify(entryPoints)}) names[name] = Object.keys(await import(name)).sort();\nconsole.log(JSON.stringify(names));\n`,
    ) as Record<string, string[]>;
    const cjs = runInConsumer(
      "cjs-requires.cjs",
      `${angularJit.cjs}const names = {};\nfor (const name of ${JSON.stringify(entryPoints)}) names[name] = Object.keys(require(name)).sort();\nconsole.log(JSON.stringify(names));\n`,
    ) as Record<string, string[]>;
    expect(Object.keys(esm)).toEqual(entryPoints);
    for (const name of entryPoints) {
      expect(esm[name]!.length, name).toBeGreaterThan(0);
      expect(cjs[name], name).toEqual(esm[name]);
    }
    expect(esm[manifest.name]).toEqual(expect.arrayContaining(["beginLro", "resumeLro", "armPolling", "LroError", "LroFailedError"]));
  });

  it("type-checks by name from an ES module and from a CommonJS one", () => {
    const usage = [
      `export const states$: Observable<LroState<{ id: string }>> = beginLro<{ id: string }>({ url: "https://management.azure.com/x", method: "PUT" });`,
      `export const failed = (error: unknown): LroState | undefined => (error instanceof LroError ? error.state : undefined);`,
    ].join("\n");
    writeFileSync(join(consumer, "esm-types.mts"), `import type { Observable } from "rxjs";\nimport { beginLro, LroError, type LroState } from "${manifest.name}";\n${usage}\n`);
    writeFileSync(
      join(consumer, "cjs-types.cts"),
      `import type { Observable } from "rxjs";\nimport rx = require("${manifest.name}");\nimport beginLro = rx.beginLro;\nimport LroError = rx.LroError;\ntype LroState<T = unknown> = rx.LroState<T>;\n${usage}\n`,
    );
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: ["esm-types.mts", "cjs-types.cts"],
      }),
    );
    const result = (() => {
      try {
        return execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: consumer, encoding: "utf8" });
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error);
      }
    })();
    expect(result).toBe("");
  }, 60_000);

  it("is clean for publint and @arethetypeswrong/cli", () => {
    // publint: the tarball as published; warnings count as errors.
    expect(() => execFileSync(bin("publint"), ["run", tarball, "--strict"], { encoding: "utf8", stdio: "pipe" })).not.toThrow();
    // attw: node16 (CJS and ESM) and bundler resolution. Not node10: it predates `exports`, so no
    // subpath entry point (rx-lro/testing) can resolve there; the root entry does, through `types`.
    // Exits non-zero on any problem under that profile.
    const report = execFileSync(bin("attw"), [tarball, "--profile", "node16", "--format", "json"], { encoding: "utf8", stdio: "pipe" });
    const problems = Object.values((JSON.parse(report) as { problems: Record<string, { entrypoint?: string; resolutionKind?: string }[]> }).problems).flat();
    // What the JSON still lists (all profiles): only node10 failing to resolve a subpath entry point.
    expect(problems.filter((problem) => problem.resolutionKind !== "node10" || problem.entrypoint === ".")).toEqual([]);
  }, 60_000);
});

describe("the dual-package hazard", () => {
  it("an error from either build is an instance of the other build's classes, and only of the right ones", () => {
    const checks = runInConsumer(
      "dual-package.mjs",
      `
import { createRequire } from "node:module";
import { lastValueFrom, of } from "rxjs";
const esm = await import(${JSON.stringify(manifest.name)});
const cjs = createRequire(import.meta.url)(${JSON.stringify(manifest.name)});
const failedState = { status: "failed", providerStatus: "Failed", strategy: "location", pollCount: 1, continuationToken: "t", error: { code: "Quota", message: "no" } };
// One of each kind, as each build makes it.
const make = (build) => ({
  LroFailedError: new build.LroFailedError(failedState),
  LroCanceledError: new build.LroCanceledError({ ...failedState, status: "canceled" }),
  LroTimeoutError: new build.LroTimeoutError(1000, undefined),
  LroRequestError: new build.LroRequestError("GET x", new Error("boom")),
  LroBadResponseError: new build.LroBadResponseError("bad"),
  LroUrlRejectedError: new build.LroUrlRejectedError("https://evil.example/", "not allowed"),
  LroAbortedError: new build.LroAbortedError(undefined, "stop"),
});
const builds = { esm, cjs };
const made = { esm: make(esm), cjs: make(cjs) };
const result = { cross: [], wrong: [], subclass: {}, foreign: {}, natural: {} };
for (const [from, to] of [["esm", "cjs"], ["cjs", "esm"]]) {
  for (const [name, error] of Object.entries(made[from])) {
    if (!(error instanceof builds[to][name]) || !(error instanceof builds[to].LroError) || !(error instanceof Error)) result.cross.push(from + " " + name);
    for (const other of Object.keys(made[from])) if (other !== name && error instanceof builds[to][other]) result.wrong.push(from + " " + name + " as " + other);
  }
}
// A subclass of one build's class is an instance of the other build's class and base; the reverse is not.
class QuotaError extends esm.LroFailedError {}
const quota = new QuotaError(failedState);
result.subclass = {
  ofOtherBuild: quota instanceof cjs.LroFailedError && quota instanceof cjs.LroError,
  ofItself: quota instanceof QuotaError,
  otherBuildsErrorIsNotASubclass: made.cjs.LroFailedError instanceof QuotaError,
  notATimeout: quota instanceof cjs.LroTimeoutError,
};
// Look-alikes are not rx-lro errors.
const lookalike = Object.assign(new Error("x"), { name: "LroFailedError" });
result.foreign = { lookalike: lookalike instanceof esm.LroError || lookalike instanceof cjs.LroFailedError, nothing: null instanceof esm.LroError || undefined instanceof cjs.LroError || ({}) instanceof esm.LroError };
// What a CJS-built lroResult throws, caught by code that imported the ESM build.
const thrown = await lastValueFrom(of(failedState).pipe(cjs.lroResult())).catch((error) => error);
result.natural = { isEsmFailed: thrown instanceof esm.LroFailedError, token: thrown.continuationToken };
console.log(JSON.stringify(result));
`,
    );
    expect(checks).toEqual({
      cross: [],
      wrong: [],
      subclass: { ofOtherBuild: true, ofItself: true, otherBuildsErrorIsNotASubclass: false, notATimeout: false },
      foreign: { lookalike: false, nothing: false },
      natural: { isEsmFailed: true, token: "t" },
    });
  });
});
