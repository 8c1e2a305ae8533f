// The README's rx-lro/testing example is a test file: this runs it, as written, against lib/.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll } from "vitest";
import { readmeTypeScriptBlocks } from "../support/readme-blocks.js";

// The framework-agnostic one: the Angular section's TestBed example is type-checked (spec/readme.spec.ts), not run here.
const examples = readmeTypeScriptBlocks().filter(
  (block) => block.code.includes('from "rx-lro/testing"') && block.code.includes('from "vitest"') && !block.code.includes('from "@angular/'),
);
if (examples.length !== 1) throw new Error(`Expected one rx-lro/testing example in README.md, found ${examples.length}`);

// Inside node_modules, so that `vitest` resolves and the working tree stays as it was.
mkdirSync(join("node_modules", ".cache"), { recursive: true });
const file = resolve("node_modules", ".cache", `readme-testing-example-${process.pid}.ts`);
const entries: Record<string, string> = { "rx-lro": resolve("lib/index.ts"), "rx-lro/testing": resolve("lib/testing/index.ts") };
writeFileSync(file, examples[0]!.code.replace(/from "(rx-lro(?:\/testing)?)"/g, (_match, name: string) => `from ${JSON.stringify(entries[name])}`));
afterAll(() => rmSync(file, { force: true }));

// Its describe/it calls register here, in this file's collection.
await import(pathToFileURL(file).href);
