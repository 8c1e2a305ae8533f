import { existsSync } from "node:fs";
import { resolve } from "node:path";
import ts from "typescript";

/** The package's public entry points: the module specifier and the source file it maps to. */
export const publicEntries: readonly { readonly specifier: string; readonly file: string }[] = [
  { specifier: "rx-lro", file: "lib/index.ts" },
  { specifier: "rx-lro/testing", file: "lib/testing/index.ts" },
  { specifier: "rx-lro/angular", file: "lib/angular/index.ts" },
].filter((entry) => existsSync(entry.file));

/** The repository's compiler options (tsconfig.json), for programs made by the specs. */
export function repositoryCompilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile("tsconfig.json", {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")); } });
  if (config === undefined) throw new Error("tsconfig.json could not be read");
  return config.options;
}

const parsed = new Map<string, ts.SourceFile>();

/**
 * A compiler host that parses each file on disk once per process: the specs make several programs
 * over the same lib/ and node_modules types (lib.dom.d.ts alone is a megabyte to parse).
 * `overrides` are files that exist only in memory.
 */
export function cachingHost(options: ts.CompilerOptions, overrides: ReadonlyMap<string, string> = new Map()): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = overrides.get(resolve(fileName));
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    const key = `${typeof languageVersion === "object" ? JSON.stringify(languageVersion) : languageVersion} ${fileName}`;
    let source = parsed.get(key);
    if (source === undefined && !/\.cache\/docs-fixture/.test(fileName)) {
      source = getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
      if (source !== undefined) parsed.set(key, source);
    }
    return source ?? getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
  };
  host.fileExists = (fileName) => overrides.has(resolve(fileName)) || fileExists.call(host, fileName);
  host.readFile = (fileName) => overrides.get(resolve(fileName)) ?? readFile.call(host, fileName);
  return host;
}

/** One export of an entry point, as its documentation stands. */
export interface PublicExport {
  readonly entry: string;
  readonly name: string;
  /** `function`, `class`, `interface`, `type`, `variable`, … (the declaration's kind). */
  readonly kind: string;
  /** Whether some declaration's TSDoc has an `@example` tag. */
  readonly hasExample: boolean;
  /** Whether some declaration has a TSDoc comment. */
  readonly documented: boolean;
  /** Members (of an interface or class) without a doc comment, as `Name.member`. */
  readonly undocumentedMembers: readonly string[];
  /** The code of every ```ts fence in its `@example` tags. */
  readonly examples: readonly string[];
}

function kindOf(declaration: ts.Declaration): string {
  if (ts.isFunctionDeclaration(declaration)) return "function";
  if (ts.isClassDeclaration(declaration)) return "class";
  if (ts.isInterfaceDeclaration(declaration)) return "interface";
  if (ts.isTypeAliasDeclaration(declaration)) return "type";
  if (ts.isVariableDeclaration(declaration)) return "variable";
  return ts.SyntaxKind[declaration.kind];
}

function hasDocComment(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).some((doc) => ts.isJSDoc(doc) && (doc.comment !== undefined || (doc.tags?.length ?? 0) > 0));
}

function exampleTexts(node: ts.Node): string[] {
  return ts
    .getJSDocTags(node)
    .filter((tag) => tag.tagName.text === "example")
    .map((tag) => ts.getTextOfJSDocComment(tag.comment)?.trim() ?? "")
    .filter((text) => text !== "");
}

function hasExampleTag(node: ts.Node): boolean {
  return exampleTexts(node).length > 0;
}

function fencedCode(example: string): string[] {
  return [...example.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** Every export of every public entry point (or of `entries`), read with the compiler as users' editors see it. */
export function publicExports(entries: readonly { readonly specifier: string; readonly file: string }[] = publicEntries): PublicExport[] {
  const options = { ...repositoryCompilerOptions(), noEmit: true };
  const program = ts.createProgram(entries.map((entry) => entry.file), options, cachingHost(options));
  const checker = program.getTypeChecker();
  const result: PublicExport[] = [];
  for (const entry of entries) {
    const source = program.getSourceFile(entry.file);
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`${entry.file} is not a module`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = symbol.declarations ?? [];
      const undocumentedMembers: string[] = [];
      for (const declaration of declarations) {
        if (!ts.isInterfaceDeclaration(declaration) && !ts.isClassDeclaration(declaration)) continue;
        for (const member of declaration.members) {
          if (ts.isConstructorDeclaration(member) || ts.isIndexSignatureDeclaration(member) || ts.isClassStaticBlockDeclaration(member)) continue;
          const modifiers = ts.getCombinedModifierFlags(member as ts.Declaration);
          if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || (member.name !== undefined && ts.isPrivateIdentifier(member.name))) continue;
          // An override (an error's `name`) is documented where it is declared first.
          if (modifiers & ts.ModifierFlags.Override) continue;
          if (!hasDocComment(member)) undocumentedMembers.push(`${exported.name}.${member.name?.getText() ?? "(anonymous)"}`);
        }
      }
      result.push({
        entry: entry.specifier,
        name: exported.name,
        kind: declarations[0] === undefined ? "unknown" : kindOf(declarations[0]),
        hasExample: declarations.some(hasExampleTag),
        documented: declarations.some(hasDocComment),
        undocumentedMembers,
        examples: declarations.flatMap(exampleTexts).flatMap(fencedCode),
      });
    }
  }
  return result;
}
