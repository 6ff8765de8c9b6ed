/**
 * Every `curl localhost:8080/...` line of the READMEs, run as written (only the host is pointed at
 * the test's restate-server) with the real `curl`, against the examples endpoint and the offline
 * model. Each example's header comment must carry a curl line that the README shows too.
 */
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExamplesEnvironment, startExamples } from "./examples-env.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const curlLine = /^\s*(?:\*\s+)?(curl localhost:8080\/\S+.*)$/gm;

async function curlLinesOf(file: string): Promise<string[]> {
  const text = await readFile(join(root, file), "utf8");
  return [...text.matchAll(curlLine)].map((m) => (m[1] ?? "").trim());
}

async function exampleFiles(dir = "examples/src"): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? exampleFiles(`${dir}/${e.name}`) : Promise.resolve([`${dir}/${e.name}`]),
    ),
  );
  return nested.flat().filter((f) => f.endsWith(".ts"));
}

/** Handlers whose documented outcome is a failure: the agent rethrows a terminal tool error. */
const documentedFailures: Record<string, RegExp> = {
  "BookingWithRollbackAgent/book": /car type is not available/,
  "FailOnTerminalToolAgent/run": /Unknown city: Atlantis/,
};

const readmeLines = [
  ...(await curlLinesOf("README.md")),
  ...(await curlLinesOf("examples/README.md")),
];

let env: ExamplesEnvironment;
beforeAll(async () => {
  env = await startExamples();
});
afterAll(() => env.stop());

async function run(line: string): Promise<{ status: number; body: string }> {
  const host = new URL(env.restate.ingressUrl).host;
  const command = `${line.replace("localhost:8080", host)} -sS -w '\\n%{http_code}'`;
  const { stdout } = await promisify(execFile)("bash", ["-c", command], { timeout: 30_000 });
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe("README curl lines", () => {
  it("every example file has a curl line, and the README shows it", async () => {
    const agents = (await exampleFiles()).filter(
      (f) => /examples\/src\/(vercel|openai)\//.test(f) && !f.includes("/utils/"),
    );
    expect(agents.length).toBeGreaterThan(20);
    for (const file of agents) {
      const lines = await curlLinesOf(file);
      expect(lines, `${file} has no curl line`).not.toEqual([]);
      for (const line of lines) expect(readmeLines, `${file}: ${line}`).toContain(line);
    }
  });

  it.each([...new Set(readmeLines)].filter((l) => !l.includes("<id>")))("%s", async (line) => {
    const target = /localhost:8080\/([^/\s]+\/[^/\s]+\/?[^/\s]*)/.exec(line)?.[1] ?? "";
    const handler = target.replace(/\/send$/, "").replace(/^(\w+)\/[^/]+\/(\w+)$/, "$1/$2");
    const { status, body } = await run(line);
    const failure = documentedFailures[handler];
    if (failure !== undefined) {
      expect(status).toBe(500);
      expect(body).toMatch(failure);
    } else {
      expect(status, body).toBeGreaterThanOrEqual(200);
      expect(status, body).toBeLessThan(300);
      if (target.endsWith("/send")) expect(JSON.parse(body)).toHaveProperty("invocationId");
    }
  });

  it("the awakeable line resolves a waiting approval", async () => {
    const [line] = readmeLines.filter((l) => l.includes("/restate/awakeables/<id>/resolve"));
    expect(line).toBeDefined();
    const { id: invocation, awakeable } = await env.sendAndAwaitReviewer(
      "HumanClaimApprovalAgent/run",
      { prompt: "Process my hospital bill of 3000USD for a broken leg." },
    );
    const { status } = await run(String(line).replace("<id>", awakeable));
    expect(status).toBe(202);
    expect(await env.restate.attach(invocation)).toMatch(/approved after human review/);
  });
});
