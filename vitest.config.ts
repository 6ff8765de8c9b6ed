import { defineConfig } from "vitest/config";

// Every suite talks to a real restate-server it starts itself; two workers fit two cores.
export default defineConfig({
  test: {
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "test/harness/src/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/harness/**", "**/node_modules/**"],
        },
      },
    ],
  },
});
