import { defineConfig } from "vitest/config";

// Every suite talks to a real restate-server it starts itself; two workers fit two cores.
if (Number(process.versions.node.split(".")[0]) < 22) {
  throw new Error(
    `Node ${process.version} cannot run ai@7 and the Restate SDK: run the tests through npm (npm test), which uses the Node 22 from the root devDependency "node".`,
  );
}

export default defineConfig({
  test: {
    maxWorkers: 2,
    silent: "passed-only",
    env: { RESTATE_LOGGING: "ERROR" },
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
