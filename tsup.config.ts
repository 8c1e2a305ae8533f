import { defineConfig } from "tsup";

export default defineConfig({
  entry: [
    "lib/index.ts",
    "lib/testing/index.ts",
    "lib/angular/index.ts",
  ],
  // `rx-lro/angular` imports the core by the package's own name, kept external: one copy of the
  // core (and of each error class) whichever entries an app loads.
  external: ["rx-lro"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  treeshake: true,
});
