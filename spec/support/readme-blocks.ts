import { readFileSync } from "node:fs";

/** A fenced code block of a Markdown file, with where it is. */
export interface CodeBlock {
  /** The info string's language (`ts`, `sh`, …). */
  readonly language: string;
  readonly code: string;
  /** 1-based line of the first code line. */
  readonly line: number;
  /** The nearest `##` heading above it (`"Quick start"`), or `""`. */
  readonly section: string;
}

/** Every fenced block of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  let section = "";
  for (let index = 0; index < lines.length; index++) {
    const heading = /^## (.*)$/.exec(lines[index]!);
    if (heading) section = heading[1]!.trim();
    const fence = /^```(\S*)\s*$/.exec(lines[index]!);
    if (!fence) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    blocks.push({ language: fence[1]!, code: lines.slice(start, end).join("\n"), line: start + 1, section });
    index = end;
  }
  return blocks;
}

/** The TypeScript blocks of the repository's README.md. */
export function readmeTypeScriptBlocks(readmePath = "README.md"): CodeBlock[] {
  return codeBlocks(readFileSync(readmePath, "utf8")).filter((block) => block.language === "ts" || block.language === "typescript");
}
