import { defineConfig } from "tsup";

export default defineConfig({
  entry: [
    "lib/index.ts",
    "lib/testing/index.ts",
  ],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  treeshake: true,
});
