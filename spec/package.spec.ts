// The published shape: `npm run build` emits ESM, CJS and typings that the exports map names,
// and both module formats expose the same public API.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// Inside node_modules, so that the built files resolve the package's own dependencies.
mkdirSync(join("node_modules", ".cache"), { recursive: true });
const outDir = mkdtempSync(join("node_modules", ".cache", "rx-lro-build-"));
const packageJson = JSON.parse(readFileSync("package.json", "utf8")) as {
  sideEffects: boolean;
  exports: Record<".", Entry> & Partial<Record<string, Entry>>;
  peerDependencies: Record<string, string>;
};

type Entry = { import: { types: string; default: string }; require: { types: string; default: string } };

describe("the package", () => {
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("builds ESM, CJS and typings that expose the same API", async () => {
    execFileSync(process.execPath, [join("node_modules", "tsup", "dist", "cli-default.js"), "--out-dir", outDir, "--silent"], { stdio: "pipe" });
    const entry = packageJson.exports["."];
    for (const file of [entry.import.default, entry.import.types, entry.require.default, entry.require.types]) {
      expect(existsSync(join(outDir, file.replace("./dist/", "")))).toBe(true);
    }
    const esm = (await import(pathToFileURL(join(process.cwd(), outDir, "index.js")).href)) as Record<string, unknown>;
    const cjs = createRequire(import.meta.url)(join(process.cwd(), outDir, "index.cjs")) as Record<string, unknown>;
    const api = ["beginLro", "pollLro", "resumeLro", "lroResult", "armPolling", "lroPolling", "azureAsyncOperationPolling", "operationLocationPolling", "locationPolling", "bodyContentPolling", "statusCheckPolling", "LroFailedError", "LroCanceledError", "LroBadStatusError", "LroBadResponseError", "LroTimeoutError", "LroUrlRejectedError"];
    for (const name of api) {
      expect(typeof esm[name], name).toBe("function");
      expect(typeof cjs[name], name).toBe("function");
    }
    expect(Object.keys(esm).sort()).toEqual(Object.keys(cjs).sort());
    const declarations = readFileSync(join(outDir, "index.d.ts"), "utf8").split("\n");
    const code = declarations.filter((line) => !/^\s*(\*|\/\*\*|\/\/)/.test(line));
    expect(code.filter((line) => /[:<,(|]\s*any\b/.test(line))).toEqual([]);
  }, 60_000);

  it("builds rx-lro/testing as its own entry, ESM and CJS alike, with typings", async () => {
    const entry = packageJson.exports["./testing"]!;
    const built = (file: string) => join(process.cwd(), outDir, file.replace("./dist/", ""));
    for (const file of [entry.import.default, entry.import.types, entry.require.default, entry.require.types]) {
      expect(existsSync(built(file)), file).toBe(true);
    }
    const esm = (await import(pathToFileURL(built(entry.import.default)).href)) as Record<string, unknown>;
    const cjs = createRequire(import.meta.url)(built(entry.require.default)) as Record<string, unknown>;
    const api = ["createFakeLroService", "createLroTestScheduler", "runLro", "recordLro", "advanceVirtualTime", "advanceVirtualTimeTo", "lroMarbles"];
    expect(Object.keys(esm).sort()).toEqual([...api].sort());
    expect(Object.keys(cjs).sort()).toEqual([...api].sort());
    // The testing entry is not pulled into the core one.
    expect(readFileSync(built(packageJson.exports["."].import.default), "utf8")).not.toContain("TestScheduler");
  });

  it("declares itself side-effect free, with rxjs as a peer", () => {
    expect(packageJson.sideEffects).toBe(false);
    expect(packageJson.peerDependencies.rxjs).toBe("^7.8.0");
  });
});
