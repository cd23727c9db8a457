import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // Next's server-only guard throws outside a React server build; tests run server code directly.
  "server-only": path.resolve(import.meta.dirname, "test/helpers/server-only-stub.ts"),
};

// Tests that measure timing across several console processes (one sample per server per interval,
// 200 servers) run after the others, alone: sharing 2 cores with other test files made them
// measure the machine, not the sampler.
const ALONE = ["test/integration/sampler-leases.test.ts"];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          exclude: ALONE,
          globalSetup: ["test/integration/global-setup.ts"],
          setupFiles: ["test/integration/leaked-sessions.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: "integration-alone",
          include: ALONE,
          globalSetup: ["test/integration/global-setup.ts"],
          setupFiles: ["test/integration/leaked-sessions.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
          maxWorkers: 1,
        },
      },
    ],
  },
});
