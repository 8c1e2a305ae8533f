/**
 * Type-checks documentation snippets (README blocks) with the TypeScript compiler, strict, the
 * way an app that installed rx-lro would compile them: `rx-lro` and its secondary entries map to
 * lib/, and nothing else of the package may be imported. What a snippet assumes but does not
 * show (a `pipeline`, a `url`, an `import` of an rx-lro function) comes from a declared prelude;
 * a prelude line is left out when the snippet declares that name itself.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";
import ts from "typescript";
import { cachingHost, publicEntries, publicExports, repositoryCompilerOptions } from "./public-api.js";
import type { CodeBlock } from "./readme-blocks.js";

/** One line of a prelude and the name it brings into scope. */
export interface PreludeLine {
  readonly name: string;
  readonly text: string;
}

/** What README snippets and TSDoc examples assume: the Azure pipeline, a request, somewhere to render. */
const assumed: readonly PreludeLine[] = [
  { name: "Pipeline", text: 'import type { Pipeline } from "@azure/core-rest-pipeline";' },
  { name: "PipelineResponse", text: 'import type { PipelineResponse } from "@azure/core-rest-pipeline";' },
  { name: "HttpClient", text: 'import type { HttpClient } from "@azure/core-rest-pipeline";' },
  ...["createPipelineRequest", "createPipelineFromOptions", "createEmptyPipeline", "bearerTokenAuthenticationPolicy"].map((name) => ({
    name,
    text: `import { ${name} } from "@azure/core-rest-pipeline";`,
  })),
  { name: "TokenCredential", text: 'import type { TokenCredential } from "@azure/core-auth";' },
  { name: "createHttpPoller", text: 'import { createHttpPoller } from "@azure/core-lro";' },
  { name: "RunningOperation", text: 'import type { RunningOperation } from "@azure/core-lro";' },
  { name: "Observable", text: 'import { Observable } from "rxjs";' },
  { name: "of", text: 'import { of } from "rxjs";' },
  { name: "firstValueFrom", text: 'import { firstValueFrom } from "rxjs";' },
  { name: "filter", text: 'import { filter } from "rxjs";' },
  { name: "map", text: 'import { map } from "rxjs";' },
  { name: "pipeline", text: "declare const pipeline: Pipeline; // with your credential policy" },
  { name: "client", text: "declare const client: HttpClient;" },
  { name: "url", text: "declare const url: string;" },
  { name: "arm", text: 'declare const arm: string; // "https://management.azure.com"' },
  ...["sub", "name", "widgetId", "vmStartUrl", "restartUrl", "resourceUrl"].map((name) => ({ name, text: `declare const ${name}: string;` })),
  { name: "resource", text: "declare const resource: { location: string; properties?: object };" },
  { name: "widget", text: "declare const widget: { location: string; properties?: object };" },
  { name: "Widget", text: "interface Widget { id?: string; name?: string; location?: string; properties?: Record<string, unknown> }" },
  { name: "credential", text: "declare const credential: TokenCredential;" },
  { name: "states$", text: "declare const states$: Observable<LroState>;" },
  { name: "hub", text: "declare const hub: LroHub;" },
  { name: "request", text: "declare const request: LroRequest;" },
  { name: "endpoint", text: "declare const endpoint: string;" },
  { name: "urlSource", text: "declare const urlSource: string;" },
  { name: "token", text: "declare const token: string;" },
  { name: "state", text: "declare const state: LroState;" },
  { name: "response", text: "declare const response: PipelineResponse;" },
  { name: "initialResponse", text: "declare const initialResponse: PipelineResponse;" },
  { name: "render", text: "declare function render(state: LroState): void;" },
  { name: "header", text: "declare const header: { render(running: number, succeeded: number, failed: number): void };" },
  { name: "table", text: "declare const table: { render(states: readonly LroState[]): void };" },
  { name: "lro", text: "declare const lro: RunningOperation<unknown>;" },
  { name: "rg", text: "declare const rg: string;" },
  { name: "vm", text: "declare const vm: string;" },
  {
    name: "computeClient",
    text: "declare const computeClient: { virtualMachines: { beginStart(rg: string, vm: string, options?: { resumeFrom?: string }): Promise<SdkPollerLike<void> & { serialize(): Promise<string> }> } };",
  },
];

/** `@azure/identity` is not a dependency here: its one class the quick start uses, as declared by the package. */
const identityShim = `declare module "@azure/identity" {
  import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
  export class DefaultAzureCredential implements TokenCredential {
    constructor(options?: object);
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken>;
  }
}`;

const require = createRequire(import.meta.url);

function resolvable(specifier: string): boolean {
  try {
    require.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** Whether Angular's types are installed, so that Angular snippets can be checked. */
export const angularInstalled = resolvable("@angular/core");
const identityInstalled = resolvable("@azure/identity");

/** Imports of `names` from `module`, when it is installed. */
function importsFrom(module: string, names: readonly string[], typeOnly = false): PreludeLine[] {
  return resolvable(module) ? names.map((name) => ({ name, text: `import ${typeOnly ? "type " : ""}{ ${name} } from "${module}";` })) : [];
}

/**
 * What Angular snippets assume: Angular's own imports (Angular's `HttpClient`, not
 * core-rest-pipeline's), and an app's root component and interceptor.
 */
const angularAssumed: readonly PreludeLine[] = [
  ...importsFrom("@angular/core", [
    "Component", "Injectable", "NgZone", "inject", "signal", "computed", "effect", "input", "output", "DestroyRef", "Injector",
    "ChangeDetectionStrategy", "afterNextRender", "provideZonelessChangeDetection", "PLATFORM_ID", "InjectionToken",
  ]),
  ...importsFrom("@angular/core", ["ApplicationConfig", "EnvironmentProviders", "Signal"], true),
  ...importsFrom("@angular/core/rxjs-interop", ["toSignal", "toObservable", "takeUntilDestroyed"]),
  ...importsFrom("@angular/common/http", ["HttpClient", "provideHttpClient", "withFetch", "withInterceptors"]),
  ...importsFrom("@angular/common/http", ["HttpInterceptorFn"], true),
  ...importsFrom("@angular/common/http/testing", ["HttpTestingController", "provideHttpClientTesting"]),
  ...importsFrom("@angular/core/testing", ["TestBed"]),
  ...importsFrom("@angular/platform-browser", ["bootstrapApplication"]),
  { name: "App", text: "declare class App {} // the app's root component" },
  { name: "authInterceptor", text: "declare const authInterceptor: HttpInterceptorFn;" },
];

/** Whether a block belongs to the Angular documentation (its section, or what it imports). */
export function isAngularBlock(block: Pick<CodeBlock, "code" | "section">): boolean {
  return /angular/i.test(block.section) || /from "(@angular\/|rx-lro\/angular)/.test(block.code);
}

let exportsImported: PreludeLine[] | undefined;

/** Every export of the public entries, imported under its own name (types as types). */
function publicImports(): PreludeLine[] {
  return (exportsImported ??= publicExports().map((exported) => {
    const typeOnly = exported.kind === "interface" || exported.kind === "type";
    return { name: exported.name, text: `import ${typeOnly ? "type " : ""}{ ${exported.name} } from "${exported.entry}";` };
  }));
}

/** The names a snippet declares at its top level (imports, declarations), which the prelude must not declare again. */
function declaredNames(code: string): Set<string> {
  const source = ts.createSourceFile("snippet.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const addBinding = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/** Imports of the package other than its public entries (a deep `rx-lro/lib/...`, a relative path). */
function forbiddenImports(code: string): string[] {
  const source = ts.createSourceFile("snippet.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const allowed = new Set(publicEntries.map((entry) => entry.specifier));
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const specifier =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)
        ? node.moduleSpecifier.text
        : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])
          ? node.arguments[0].text
          : undefined;
    if (specifier !== undefined && (specifier.startsWith(".") || specifier.startsWith("/") || (/^rx-lro(\/|$)/.test(specifier) && !allowed.has(specifier)))) {
      found.push(specifier);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The problems of one snippet: compiler diagnostics and forbidden imports, as `line:col message` (lines of the snippet). */
export interface SnippetResult {
  readonly block: CodeBlock;
  readonly problems: readonly string[];
}

/**
 * Type-checks `blocks`, each as its own module behind its prelude. Angular blocks get Angular's
 * imports and decorators too; they need @angular/core installed (see {@link angularInstalled}).
 */
export function checkSnippets(blocks: readonly CodeBlock[], root = process.cwd()): SnippetResult[] {
  const exports = publicImports();
  const files = new Map<string, { block: CodeBlock; preludeLines: number }>();
  const texts = new Map<string, string>();
  for (const [index, block] of blocks.entries()) {
    const angular = isAngularBlock(block);
    const declared = declaredNames(block.code);
    // In an Angular block, Angular's names (its HttpClient) win over the shared ones.
    const shadowed = new Set(angular ? angularAssumed.map((line) => line.name) : []);
    const candidates = [...exports, ...assumed.filter((line) => !shadowed.has(line.name) && !(angular && line.name === "client")), ...(angular ? angularAssumed : [])];
    const prelude = candidates.filter((line) => !declared.has(line.name)).map((line) => line.text);
    prelude.push("export {};");
    const file = resolve(root, "readme-snippets", `snippet-${index}-line-${block.line}${angular ? "-angular" : ""}.ts`);
    texts.set(file, `${prelude.join("\n")}\n${block.code}\n`);
    files.set(file, { block, preludeLines: prelude.length });
  }
  const shim = resolve(root, "readme-snippets", "azure-identity.d.ts");
  if (!identityInstalled) texts.set(shim, identityShim);

  const paths = Object.fromEntries(publicEntries.map((entry) => [entry.specifier, [resolve(root, entry.file)]]));
  const base: ts.CompilerOptions = { ...repositoryCompilerOptions(), noEmit: true, paths, strict: true };
  const results: SnippetResult[] = [];
  for (const angular of [false, true]) {
    const roots = [...files].filter(([, { block }]) => isAngularBlock(block) === angular).map(([file]) => file);
    if (roots.length === 0) continue;
    const options: ts.CompilerOptions = angular ? { ...base, experimentalDecorators: true } : base;
    const program = ts.createProgram(texts.has(shim) ? [...roots, shim] : roots, options, cachingHost(options, texts));
    for (const file of roots) {
      const { block, preludeLines } = files.get(file)!;
      const source = program.getSourceFile(file)!;
      const problems = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((diagnostic) => {
        const where = diagnostic.start === undefined ? undefined : source.getLineAndCharacterOfPosition(diagnostic.start);
        const line = where === undefined ? "?" : where.line - preludeLines + 1;
        const inPrelude = where !== undefined && where.line < preludeLines ? " (in the prelude)" : "";
        return `${line}:${(where?.character ?? 0) + 1}${inPrelude} TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
      });
      for (const specifier of forbiddenImports(block.code)) {
        problems.push(`imports "${specifier}": snippets may import only the package's public entries (${publicEntries.map((entry) => entry.specifier).join(", ")})`);
      }
      results.push({ block, problems });
    }
  }
  return results;
}
