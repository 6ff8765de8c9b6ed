/**
 * `npm run dev:cluster` end to end: the command of the npm script (after its build), on free
 * ports and a temp data dir, starts a real 3-node cluster (replicated log, every node alive to the others), serves
 * the examples, answers a README curl line through node 1 and through node 3 (encrypted, and
 * decrypted by `npm run call -- --cluster --node <i>`), and stops cleanly on Ctrl-C.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { clusterSql } from "@restate-ai/test-harness";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** `node <script> <flags>` of the `dev:cluster` npm script, after its `npm run build` step. */
async function devClusterCommand(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const command = /&& node (.+)$/.exec(pkg.scripts["dev:cluster"] ?? "")?.[1];
  if (command === undefined) throw new Error("package.json has no dev:cluster script running node");
  const [script, ...flags] = command.split(" ");
  return [join(root, script as string), ...flags];
}

/** A base port whose next `count` ports are all free (the cluster's node i uses base + i - 1). */
async function freeRun(count: number, taken: Set<number>): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const run = Array.from({ length: count }, (_, i) => base + i);
    if (run.some((p) => taken.has(p))) continue;
    if ((await Promise.all(run.map(free))).every(Boolean)) {
      for (const p of run) taken.add(p);
      return base;
    }
  }
}

let dataDir: string;
let demo: ChildProcess;
let output = "";
const taken = new Set<number>();
const ports = { ingress: 0, admin: 0, node: 0, examples: 0 };

/** Where the demo (and `npm run call`) find its ports and data dir. */
const demoEnv = () => ({
  RESTATE_DATA_DIR: dataDir,
  RESTATE_INGRESS_PORT: String(ports.ingress),
  RESTATE_ADMIN_PORT: String(ports.admin),
  RESTATE_NODE_PORT: String(ports.node),
  EXAMPLES_PORT: String(ports.examples),
});

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "rdc-"));
  ports.ingress = await freeRun(3, taken);
  ports.admin = await freeRun(3, taken);
  ports.node = await freeRun(3, taken);
  ports.examples = await freeRun(1, taken);
  demo = spawn(process.execPath, await devClusterCommand(), {
    env: { ...process.env, OPENAI_API_KEY: "", NO_COLOR: "1", ...demoEnv() },
    stdio: ["ignore", "pipe", "pipe"],
  });
  demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await vi.waitFor(
    () => {
      if (demo.exitCode !== null) throw new Error(`dev:cluster exited:\n${output}`);
      if (!output.includes("Nodes, partitions and their leaders")) throw new Error(output);
    },
    { timeout: 60_000, interval: 100 },
  );
}, 90_000);

afterAll(async () => {
  if (demo.exitCode === null) {
    demo.kill("SIGKILL");
    await new Promise((resolve) => demo.once("exit", resolve));
  }
  await rm(dataDir, { recursive: true, force: true });
});

it("starts a real 3-node cluster and prints every node", async () => {
  expect(output).toContain("Restate cluster of 3 nodes (replication 2: one may be down)");
  for (const i of [0, 1, 2]) {
    expect(output).toContain(
      `n${i + 1}: ingress http://127.0.0.1:${ports.ingress + i}, admin http://127.0.0.1:${ports.admin + i}`,
    );
  }
  const addresses = [0, 1, 2].map((i) => `http://127.0.0.1:${ports.node + i}`);
  const nodes = await clusterSql<{ state: string }>(addresses, "SELECT state FROM nodes");
  expect(nodes).toEqual(Array(3).fill({ state: "alive" }));
  const logs = await clusterSql<{ replication: string }>(
    addresses,
    "SELECT DISTINCT replication FROM logs",
  );
  expect(logs).toEqual([{ replication: "{node: 2}" }]);
});

it.each([1, 3])("answers the README's first curl line through node %i", async (node) => {
  const readme = await readFile(join(root, "examples/README.md"), "utf8");
  const line = /^curl localhost:8080\/agent\/run .*$/m.exec(readme)?.[0];
  expect(line).toBeDefined();
  const command = `${line?.replace("localhost:8080", `127.0.0.1:${ports.ingress + node - 1}`)} -sS -w '\\n%{http_code}'`;
  const { stdout } = await promisify(execFile)("bash", ["-c", command], { timeout: 30_000 });
  const cut = stdout.lastIndexOf("\n");
  expect(stdout.slice(cut + 1), stdout).toBe("200");
  // The answer is encrypted with the cluster's journal key, as on one server.
  expect(stdout.slice(0, cut)).not.toMatch(/weather/i);
  expect(stdout.slice(0, cut)).toContain("local-1");
});

it.each([1, 3])("npm run call -- --cluster --node %i decrypts the answer", async (node) => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(root, "examples/src/demo/call.ts"),
      "--cluster",
      "--node",
      String(node),
      "agent/run",
      '"What is the weather in Detroit?"',
    ],
    { timeout: 30_000, env: { ...process.env, ...demoEnv() } },
  );
  expect(stdout).toMatch(/weather in Detroit/i);
});

it("stops the agents and the cluster on Ctrl-C", async () => {
  const exited = new Promise<number | null>((resolve) => demo.once("exit", resolve));
  demo.kill("SIGINT");
  expect(await exited).toBe(0);
  expect(output).toContain("Stopping the agents and the cluster");
});
