/**
 * `npm start` end to end: the demo entry point in non-interactive mode, on free ports and a temp
 * data dir, must run all five tour steps and exit 0 — and say clearly when a port is taken.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "@restate-ai/test-harness";
import { afterAll, beforeAll, expect, it } from "vitest";

const start = fileURLToPath(new URL("../../examples/src/demo/start.mjs", import.meta.url));
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "restate-tour-"));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function demoEnv() {
  return {
    ...process.env,
    OPENAI_API_KEY: "",
    NO_COLOR: "1",
    RESTATE_DATA_DIR: dataDir,
    RESTATE_INGRESS_PORT: String(await freePort()),
    RESTATE_ADMIN_PORT: String(await freePort()),
    RESTATE_NODE_PORT: String(await freePort()),
    EXAMPLES_PORT: String(await freePort()),
    WEB_CHAT_PORT: String(await freePort()),
  };
}

const runDemo = async (env: NodeJS.ProcessEnv) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [start, "--non-interactive"], {
      env,
      timeout: 90_000,
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
};

it("runs the five tour steps offline and exits cleanly", async () => {
  const { code, stdout } = await runDemo(await demoEnv());
  expect(code, stdout).toBe(0);
  expect(stdout).toContain("OFFLINE MODEL");
  expect(stdout).toMatch(
    /Journal encryption: on, AES-256-GCM with key "local-1" \(from .*journal-keys\)/,
  );
  expect(stdout).toMatch(/#\s*\d+ Run\s+calling \S+\s+🔒 \d+ bytes, key local-1/);
  expect(stdout).toMatch(
    /Web chat \(useChat over durable Restate streams\): http:\/\/localhost:\d+/,
  );
  expect(stdout).toMatch(/1\. A durable agent[\s\S]*→ The weather in Detroit is currently/);
  expect(stdout).toMatch(/attempt 1 failed, Restate retries[\s\S]*attempt 2 failed/);
  expect(stdout).toContain("journal: 2 LLM calls, 1 weather step");
  expect(stdout).toMatch(/Killed the agent service \(SIGKILL\)/);
  expect(stdout).toMatch(/journaled steps were never repeated/);
  expect(stdout).toMatch(/status "suspended".*awakeable sign_/);
  expect(stdout).toContain("approved after human review");
  expect(stdout).toMatch(/winner: Quick take[\s\S]*thinkLonger\) was cancelled/);
  expect(stdout).toContain("Stopping the agents and restate-server");
});

it("stops with a clear message when a port is taken", async () => {
  const env = await demoEnv();
  const squatter = createServer();
  await new Promise<void>((listening) =>
    squatter.listen(Number(env.RESTATE_INGRESS_PORT), "127.0.0.1", listening),
  );
  try {
    const { code, stdout } = await runDemo(env);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `Port ${env.RESTATE_INGRESS_PORT} is already in use (is another restate-server or the examples endpoint running?). Stop it, or pick another port with RESTATE_INGRESS_PORT=<port>.`,
    );
  } finally {
    squatter.close();
  }
});

/** A Node older than 22 on PATH outside node_modules (this machine's system Node is 20). */
const oldNode = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => !dir.includes("node_modules"))
  .map((dir) => join(dir, "node"))
  .find((bin) => {
    try {
      return (
        Number(execFileSync(bin, ["-p", "process.versions.node.split('.')[0]"]).toString()) < 22
      );
    } catch {
      return false;
    }
  });

it.skipIf(oldNode === undefined)("tells a user on an old Node what to do", async () => {
  const result = await promisify(execFile)(String(oldNode), [start]).catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect(result).toMatchObject({
    code: 1,
    stderr: expect.stringContaining(
      "is too old: the Restate SDK and the AI SDK need Node 22 or newer",
    ),
  });
});
