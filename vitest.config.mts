import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Workspace packages run from source in tests: no build step between an edit and a test run.
const alias = [
  { find: /^@platform\/infra$/, replacement: at("./infra/src/index.ts") },
  { find: /^@platform\/infra\/(environment|layers|testing)$/, replacement: at("./infra/src/$1/index.ts") },
  { find: /^@platform\/policy$/, replacement: at("./policy/src/rules/index.ts") },
];

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, root: at(root), include: ["**/*.test.ts"], exclude: ["**/node_modules/**", "**/dist/**"], ...extra },
});

export default defineConfig({
  resolve: { alias },
  test: {
    // Pulumi's runtime keeps global state: every test file gets its own process.
    pool: "forks",
    // PostgreSQL and Redis for the integration tests: the configured or local ones, else servers of its own.
    globalSetup: [at("./service/test/support/test-services.ts")],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      project("infra", "./infra"),
      project("service", "./service"),
      project("cli", "./cli"),
      project("policy", "./policy"),
      project("stack-network", "./stacks/network"),
      project("stack-data", "./stacks/data"),
      project("stack-compute", "./stacks/compute"),
      project("repo", "./test"),
    ],
  },
});
