// The README is a contract: every TypeScript block in it compiles (strict), importing only the
// package's public entries, with what it assumes declared in a prelude (spec/support/check-snippets.ts).
import { describe, expect, it } from "vitest";
import { angularInstalled, checkSnippets, isAngularBlock } from "./support/check-snippets.js";
import { codeBlocks, readmeTypeScriptBlocks } from "./support/readme-blocks.js";

const blocks = readmeTypeScriptBlocks();
const checked = blocks.filter((block) => angularInstalled || !isAngularBlock(block));

describe("README.md", () => {
  it("has TypeScript blocks to check", () => {
    expect(checked.length).toBeGreaterThanOrEqual(10);
  });

  it("type-checks every TypeScript block" + (angularInstalled ? "" : " (Angular ones once @angular/core is installed)"), () => {
    const failures = checkSnippets(checked)
      .filter((result) => result.problems.length > 0)
      .map((result) => `README.md block at line ${result.block.line} (${result.block.section}):\n  ${result.problems.join("\n  ")}`);
    expect(failures.join("\n\n")).toBe("");
  }, 60_000);
});

describe("the README checker", () => {
  const markdown = (code: string, section = "Quick start") => `## ${section}\n\n\`\`\`ts\n${code}\n\`\`\`\n`;
  const problemsOf = (...codes: string[]) => checkSnippets(codeBlocks(codes.map((code) => markdown(code)).join("\n"))).map((result) => result.problems);

  it("fails blocks that do not compile (strict), name what is not declared or import past the public entries; passes the rest", () => {
    const [wrongType, undeclared, deepImport, nullable, implicitAny, fine, ownDeclaration] = problemsOf(
      'const states$ = beginLro({ url, method: "PUT" }, { pipeline, intervalInMs: "soon" });',
      "\nrender(gadget);",
      'import { resolveOptions } from "rx-lro/lib/options.js";',
      'resumeLro(localStorage.getItem("lro"), { pipeline }).subscribe(render);',
      "export function show(state) { return state; }",
      'beginLro({ url, method: "DELETE" }, { pipeline }).subscribe((state) => console.log(state.status));',
      'import { createPipelineFromOptions } from "@azure/core-rest-pipeline";\nconst pipeline = createPipelineFromOptions({});\nresumeLro(token, { pipeline });',
    );
    expect(wrongType).toEqual([expect.stringMatching(/^1:\d+ TS2322: Type 'string' is not assignable to type 'number'/)]);
    expect(undeclared).toEqual([expect.stringMatching(/^2:8 TS2304: Cannot find name 'gadget'/)]);
    expect(deepImport).toEqual(expect.arrayContaining([expect.stringMatching(/^imports "rx-lro\/lib\/options.js": snippets may import only the package's public entries/)]));
    expect(nullable).toEqual([expect.stringMatching(/TS2345: Argument of type 'string \| null'/)]);
    expect(implicitAny).toEqual([expect.stringMatching(/TS7006: Parameter 'state' implicitly has an 'any' type/)]);
    expect(fine).toEqual([]);
    expect(ownDeclaration).toEqual([]);
  }, 60_000);

  it("tells Angular blocks apart (checked with Angular's imports and decorators, once @angular/core is installed)", () => {
    expect(isAngularBlock({ section: "Angular", code: "export class A {}" })).toBe(true);
    expect(isAngularBlock({ section: "rx-lro/angular lroState", code: "" })).toBe(true);
    expect(isAngularBlock({ section: "Quick start", code: 'import { provideRxLro } from "rx-lro/angular";' })).toBe(true);
    expect(isAngularBlock({ section: "Quick start", code: 'import { beginLro } from "rx-lro";' })).toBe(false);
  });
});
