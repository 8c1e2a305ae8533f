// Runs spec/angular against another Angular version than the root's devDependencies (by default
// the lowest the peer range allows): `npm run test:angular-range [-- 20.0.0]`. It installs that
// Angular into a scratch folder inside node_modules/.cache (so vitest, happy-dom and the Azure
// packages still resolve from the root), copies lib/ and spec/angular/ beside it, and runs vitest
// there. The scratch folder is reused while the version stays the same, and the tree is left as it was.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const version = process.argv[2] ?? "20.0.0";
const zone = process.argv[3] ?? (version.startsWith("20.") ? "0.15.1" : "0.16.0");
const scratch = join(root, "node_modules", ".cache", `rx-lro-angular-${version}`);
const packages = ["core", "common", "compiler", "platform-browser", "platform-server"].map((name) => `@angular/${name}@${version}`);

const manifest = join(scratch, "package.json");
const wanted = JSON.stringify({ private: true, type: "module", dependencies: Object.fromEntries([...packages.map((spec) => spec.split(/@(?=\d)/)), ["zone.js", zone], ["rxjs", "7.8.2"]]) }, null, 2);
if (!existsSync(manifest) || readFileSync(manifest, "utf8") !== wanted || !existsSync(join(scratch, "node_modules", "@angular", "core"))) {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(manifest, wanted);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts"], { cwd: scratch, stdio: "inherit" });
}
for (const folder of ["lib", "server", "spec/angular"]) {
  rmSync(join(scratch, folder), { recursive: true, force: true });
  cpSync(join(root, folder), join(scratch, folder), { recursive: true, filter: (source) => !source.includes(`${join("spec", "angular", "range")}`) });
}
writeFileSync(
  join(scratch, "vitest.config.ts"),
  `import { defineConfig } from "vitest/config";
export default defineConfig({
  resolve: { alias: [{ find: /^rx-lro$/, replacement: ${JSON.stringify(join(scratch, "lib", "index.ts"))} }] },
  test: { include: ["spec/angular/**/*.spec.ts"], testTimeout: 20000 },
});
`,
);
const installed = JSON.parse(readFileSync(join(scratch, "node_modules", "@angular", "core", "package.json"), "utf8")).version;
console.log(`spec/angular against @angular/core ${installed}`);
execFileSync(process.execPath, [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", scratch], { cwd: scratch, stdio: "inherit" });
