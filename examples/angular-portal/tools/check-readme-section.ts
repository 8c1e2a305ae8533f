/**
 * Type-checks the README's Angular section (README-SECTION.md here, and the root README's
 * `## Angular` section once it is there) against the PACKED package in the example's
 * node_modules: each TypeScript block is compiled on its own, strict, with the example's
 * compiler options, importing only the public entries. Run by `npm run test:portal`.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { codeBlocks, type CodeBlock } from "../../../spec/support/readme-blocks.js";
import { portalDir, rootDir, run } from "./portal.js";

/** The TypeScript blocks of a Markdown file's `## Angular` section (the whole file if it is only that). */
export function angularBlocks(markdownPath: string): CodeBlock[] {
  if (!existsSync(markdownPath)) return [];
  return codeBlocks(readFileSync(markdownPath, "utf8")).filter(
    (block) => (block.language === "ts" || block.language === "typescript") && block.section.startsWith("Angular"),
  );
}

/** Compiles the blocks with the example's TypeScript; rejects with the compiler's output on an error. */
export async function checkReadmeSection(): Promise<number> {
  const sources = [join(portalDir, "README-SECTION.md"), join(rootDir, "README.md")];
  // The root README's section counts once it is the rx-lro/angular one (the lead moves
  // README-SECTION.md there); until then its older recipe is not this example's code.
  const blocks = sources
    .map((path) => ({ path, blocks: angularBlocks(path) }))
    .filter(({ path, blocks }) => path.endsWith("README-SECTION.md") || blocks.some((block) => block.code.includes('"rx-lro/angular"')))
    .flatMap(({ path, blocks }) => blocks.map((block) => ({ path, block })));
  const dir = join(portalDir, ".readme-check");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const files = blocks.map(({ path, block }, index) => {
      const name = `block-${index + 1}.ts`;
      // Where it came from, for the compiler's messages.
      writeFileSync(join(dir, name), `// ${path.slice(rootDir.length + 1)}:${block.line}\n${block.code}\n`);
      return name;
    });
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ extends: "../tsconfig.json", compilerOptions: { noEmit: true, types: [] }, files }, null, 2),
    );
    await run(process.execPath, [join(portalDir, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, "tsconfig.json")], portalDir);
    return blocks.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
