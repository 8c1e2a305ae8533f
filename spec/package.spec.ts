// The published shape: `npm run build` emits ESM, CJS and typings that the exports map names,
// and both module formats expose the same public API.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { firstValueFrom } from "rxjs";
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
  }, 180_000);

  it("keeps Angular out of the core: rx-lro/angular is its own entry, importing the core by name", () => {
    // The core entry and every chunk it loads (and rx-lro/testing): none names Angular.
    const builtOutsideAngular = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter((file) => /\.(c?js|d\.c?ts)$/.test(file) && !file.startsWith("angular"));
    expect(builtOutsideAngular).toEqual(expect.arrayContaining(["index.js", "index.cjs", "index.d.ts", "index.d.cts"]));
    for (const file of builtOutsideAngular) {
      expect(readFileSync(join(outDir, file), "utf8"), file).not.toMatch(/@angular\//);
    }
    const angular = packageJson.exports["./angular"]!;
    for (const file of [angular.import.default, angular.import.types, angular.require.default, angular.require.types]) {
      const text = readFileSync(join(outDir, file.replace("./dist/", "")), "utf8");
      expect(text, file).toMatch(/from ['"]rx-lro['"]|require\(['"]rx-lro['"]\)/);
      // The core is imported, never bundled a second time.
      expect(text, file).not.toMatch(/class LroError|function beginLro/);
    }
    expect(readFileSync(join(outDir, "angular", "index.js"), "utf8")).toMatch(/from ['"]@angular\/core['"]/);
  });

  it("keeps Angular out of the core's sources: nothing lib/index.ts reaches imports @angular or lib/angular", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)) {
        expect(specifier, file).not.toMatch(/^@angular\/|\/angular\//);
        if (specifier!.startsWith(".")) visit(join(file, "..", specifier!.replace(/\.js$/, ".ts")));
      }
    };
    visit(join("lib", "index.ts"));
    expect(seen.size).toBeGreaterThan(20);
  });

  it("imports nothing of @azure/core-rest-pipeline at run time but in the one module it loads with import() for the defaults", () => {
    // From the sources: every module the core or rx-lro/angular reaches by static imports.
    const runtimeImports = (file: string): string[] =>
      [...readFileSync(file, "utf8").matchAll(/^(?:import|export)(\s+type\b)?[^;"']*?from\s*["']([^"']+)["']/gm)]
        .filter(([, typeOnly]) => typeOnly === undefined)
        .map(([, , specifier]) => specifier!);
    const reached = (entry: string) => {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const specifier of runtimeImports(file)) {
          expect(specifier, file).not.toBe("@azure/core-rest-pipeline");
          if (specifier.startsWith(".")) visit(join(file, "..", specifier.replace(/\.js$/, ".ts")));
        }
      };
      visit(entry);
      return seen;
    };
    expect(reached(join("lib", "index.ts")).size).toBeGreaterThan(20);
    expect(reached(join("lib", "angular", "index.ts")).size).toBeGreaterThan(5);
    expect(runtimeImports(join("lib", "http", "create-default-transport.ts"))).toEqual(["@azure/core-rest-pipeline"]);
    // The ESM build: the entry names it only through import() of the chunk that makes the defaults.
    const esm = readFileSync(join(outDir, "index.js"), "utf8");
    expect(esm).not.toMatch(/from ['"]@azure\/core-rest-pipeline['"]/);
    const [, chunk] = /import\(['"]\.\/(create-default-transport-[\w-]+\.js)['"]\)/.exec(esm) ?? [];
    expect(chunk).toBeDefined();
    expect(readFileSync(join(outDir, chunk!), "utf8")).toMatch(/import \{ createDefaultHttpClient, createPipelineFromOptions \} from ['"]@azure\/core-rest-pipeline['"]/);
  });

  it("follows an operation with the default pipeline and client from the ESM and the CJS build", async () => {
    const server = createServer((request, response) => {
      request.resume().on("end", () => response.writeHead(200, { "content-type": "application/json" }).end('{"id":"w"}'));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/widgets/w`;
      type Core = typeof import("../lib/index.js");
      const esm = (await import(pathToFileURL(join(process.cwd(), outDir, "index.js")).href)) as Core;
      const cjs = createRequire(import.meta.url)(join(process.cwd(), outDir, "index.cjs")) as Core;
      for (const build of [esm, cjs]) {
        const result = await firstValueFrom(build.beginLro({ url, method: "PUT", json: {}, allowInsecureConnection: true }).pipe(build.lroResult()));
        expect(result).toEqual({ id: "w" });
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("declares Angular an optional peer, and rx-lro/angular imports only what the peers provide", () => {
    const manifest = packageJson as unknown as { peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional: boolean }> };
    expect(manifest.peerDependencies["@angular/core"]).toBe("^20.0.0 || ^21.0.0");
    expect(manifest.peerDependencies["@angular/common"]).toBe(manifest.peerDependencies["@angular/core"]);
    expect(manifest.peerDependenciesMeta).toEqual({ "@angular/common": { optional: true }, "@angular/core": { optional: true } });
    // Besides chunks of this package's own build (code it shares with the core, such as HttpHeaders).
    const imported = new Set([...readFileSync(join(outDir, "angular", "index.js"), "utf8").matchAll(/from ['"]([^'".][^'"]*)['"]/g)].map(([, name]) => name));
    // Not @azure/core-rest-pipeline: importing from its index brings its default pipeline and client into the app's bundle.
    expect([...imported].sort()).toEqual(["@angular/common", "@angular/common/http", "@angular/core", "rx-lro", "rxjs"]);
  });

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
