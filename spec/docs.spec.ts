// The public API documents itself: TSDoc with an @example on every exported function and class of
// every public entry, every member of the exported interfaces and classes documented, and every
// example compiles (strict, against the public entries, with the README's prelude). Read with the
// compiler from the entry points, so a new export is held to it too.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkSnippets } from "./support/check-snippets.js";
import { publicEntries, publicExports, type PublicExport } from "./support/public-api.js";

const missingExamples = (exports: readonly PublicExport[]) =>
  exports.filter((exported) => (exported.kind === "function" || exported.kind === "class") && !exported.hasExample).map((exported) => `${exported.entry}: ${exported.kind} ${exported.name}`);
const undocumented = (exports: readonly PublicExport[]) => exports.filter((exported) => !exported.documented).map((exported) => `${exported.entry}: ${exported.name}`);
const undocumentedMembers = (exports: readonly PublicExport[]) => exports.flatMap((exported) => exported.undocumentedMembers.map((member) => `${exported.entry}: ${member}`));
const brokenExamples = (exports: readonly PublicExport[]) =>
  checkSnippets(exports.flatMap((exported) => exported.examples.map((code) => ({ language: "ts", code, line: 1, section: `${exported.entry} ${exported.name}` }))))
    .filter((result) => result.problems.length > 0)
    .map((result) => `${result.block.section}: ${result.problems.join("; ")}`);

describe("the public API's TSDoc", () => {
  let exports: PublicExport[] = [];

  it("is read from every public entry", () => {
    exports = publicExports();
    expect(new Set(exports.map((exported) => exported.entry))).toEqual(new Set(publicEntries.map((entry) => entry.specifier)));
    expect(exports.map((exported) => exported.name)).toEqual(expect.arrayContaining(["beginLro", "LroError", "createFakeLroService", "LroErrorDetail"]));
  }, 60_000);

  it("has an @example on every exported function and class", () => {
    expect(missingExamples(exports)).toEqual([]);
  });

  it("documents every export", () => {
    expect(undocumented(exports)).toEqual([]);
  });

  it("documents every member of the exported interfaces and classes", () => {
    expect(undocumentedMembers(exports)).toEqual([]);
  });

  it("has examples that compile", () => {
    expect(exports.flatMap((exported) => exported.examples).length).toBeGreaterThanOrEqual(30);
    expect(brokenExamples(exports)).toEqual([]);
  }, 90_000);
});

describe("the TSDoc checks", () => {
  mkdirSync(join("node_modules", ".cache"), { recursive: true });
  const fixture = resolve("node_modules", ".cache", `docs-fixture-${process.pid}.ts`);
  afterAll(() => rmSync(fixture, { force: true }));

  it("find an export without an example, an undocumented one, an undocumented member and an example that does not compile", () => {
    writeFileSync(
      fixture,
      [
        "/** Documented, no example. */",
        "export function noExample(): void {}",
        "export class Bare {}",
        "/** Documented. @example\n * ```ts\n * beginLro(request, { pipeline, intervalInMs: \"2s\" });\n * ```\n */",
        "export function wrongExample(): void {}",
        "/** An options bag. */",
        "export interface Options {\n  /** Documented. */\n  readonly a?: number;\n  readonly b?: string;\n}",
      ].join("\n"),
    );
    const exports = publicExports([{ specifier: "fixture", file: fixture }]);

    expect(missingExamples(exports)).toEqual(["fixture: function noExample", "fixture: class Bare"]);
    expect(undocumented(exports)).toEqual(["fixture: Bare"]);
    expect(undocumentedMembers(exports)).toEqual(["fixture: Options.b"]);
    expect(brokenExamples(exports)).toEqual([expect.stringMatching(/^fixture wrongExample: 1:\d+ TS2322: Type 'string' is not assignable to type 'number'/)]);
  }, 60_000);
});
