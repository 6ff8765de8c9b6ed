/** The published packages contain their ESM and CommonJS builds, README and package.json, nothing else. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packages = ["core", "vercel-middleware", "openai-agents"];

describe.each(packages)("npm pack of packages/%s", (name) => {
  it("contains only both builds, README.md and package.json", () => {
    const cwd = fileURLToPath(new URL(`../../packages/${name}/`, import.meta.url));
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }),
    ) as { files: { path: string }[] }[];
    const paths = packed?.files.map((file) => file.path) ?? [];
    expect(paths).toContain("README.md");
    expect(paths).toContain("package.json");
    expect(paths).toContain("dist/index.js");
    expect(paths).toContain("dist/index.d.ts");
    expect(paths).toContain("dist/cjs/index.js");
    expect(paths).toContain("dist/cjs/index.d.ts");
    expect(paths).toContain("dist/cjs/package.json");
    expect(
      paths.filter(
        (path) =>
          !/^(dist\/.+\.(js|d\.ts)|dist\/cjs\/package\.json|README\.md|package\.json)$/.test(
            path,
          ) &&
          // the subpath entry for resolvers without `exports` (node10)
          !(name === "vercel-middleware" && path === "chat-transport/package.json"),
      ),
    ).toEqual([]);
    expect(paths.some((path) => path.includes(".test."))).toBe(false);
  });
});
