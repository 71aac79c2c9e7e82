import { defineConfig } from "vitest/config";
import base from "./vitest.config.mjs";

// The engine suite (cli/test/engine): devctl on the real Pulumi engine and the local-cloud simulator. Separate
// from `pnpm test`: it needs the Pulumi CLI, takes minutes, and its scenarios share one backend in order.
export default defineConfig({
  resolve: base.resolve,
  test: {
    name: "engine",
    include: ["cli/test/engine/**/*.e2e.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    reporters: ["verbose"],
  },
});
