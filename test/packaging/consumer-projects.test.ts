/**
 * The packed tarballs, installed the way a new user installs them: into a fresh CommonJS project
 * (the shape of Restate's tour of agents: `"type": "commonjs"`, `module: nodenext`, run with
 * `tsx`) and a fresh ESM project. Each type-checks with `tsc` and runs an agent of both SDKs
 * against a real restate-server. `@arethetypeswrong/cli` checks every resolution mode.
 *
 * A provider's 401 must fail the invocation at once, with one request: the `TerminalError` our
 * code throws inside `ctx.run` must be the Restate SDK copy the project itself loads. (With an
 * ESM-only build required from CommonJS, the project's CommonJS Restate SDK would not recognise
 * the ESM copy's `TerminalError` and retry it.)
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  conversation,
  FakeOpenAI,
  freePort,
  IngressError,
  outputOf,
  RestateServer,
} from "@restate-ai/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const require = createRequire(import.meta.url);
const packages = ["core", "vercel-middleware", "openai-agents"];
/** What the consumer projects install besides the tarballs, at the versions this repo tests. */
const dependencies = [
  "ai",
  "@ai-sdk/openai",
  "@ai-sdk/provider",
  "@openai/agents",
  "openai",
  "@restatedev/restate-sdk",
  "zod",
];
const devDependencies = ["tsx", "typescript", "@types/node"];
const INSTALL_TIMEOUT_MS = 240_000;

let workDir: string;
let tarballs: string[];
let restate: RestateServer;
let fake: FakeOpenAI;

async function installedVersion(name: string): Promise<string> {
  const manifest = join(root, "node_modules", name, "package.json");
  return (JSON.parse(await readFile(manifest, "utf8")) as { version: string }).version;
}

async function npm(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("npm", args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "restate-ai-packaging-"));
  const packs = join(workDir, "packs");
  await mkdir(packs);
  tarballs = [];
  for (const name of packages) {
    const out = await npm(join(root, "packages", name), [
      "pack",
      "--json",
      "--ignore-scripts",
      "--pack-destination",
      packs,
    ]);
    const [packed] = JSON.parse(out) as { filename: string }[];
    tarballs.push(join(packs, String(packed?.filename)));
  }
  [restate, fake] = await Promise.all([RestateServer.start(), FakeOpenAI.start()]);
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([restate?.stop(), fake?.close()]);
  if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
});

describe("the packed tarballs", () => {
  it("resolve with the right types in node10, node16 (CJS and ESM) and bundler mode", async () => {
    const attw = join(
      require.resolve("@arethetypeswrong/cli/package.json"),
      "..",
      "dist",
      "index.js",
    );
    for (const tarball of tarballs) {
      const { stdout } = await run(process.execPath, [attw, tarball, "--format", "json"], {
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
      const report = JSON.parse(stdout) as { analysis: { problems: unknown[] } };
      expect(report.analysis.problems, tarball).toEqual([]);
    }
  });
});

describe.each([
  { kind: "commonjs", module: "nodenext" },
  { kind: "module", module: "nodenext" },
])("a fresh $kind project", ({ kind, module }) => {
  let project: string;
  let service: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    project = join(workDir, kind);
    await mkdir(join(project, "src"), { recursive: true });
    const pinned = async (names: string[]) =>
      Object.fromEntries(await Promise.all(names.map(async (n) => [n, await installedVersion(n)])));
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({
        name: `consumer-${kind}`,
        private: true,
        type: kind,
        dependencies: await pinned(dependencies),
        devDependencies: await pinned(devDependencies),
      }),
    );
    await writeFile(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "esnext",
          lib: ["esnext", "dom"],
          module,
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["node"],
        },
        include: ["src/"],
      }),
    );
    await copyFile(new URL("./consumer/app.ts", import.meta.url), join(project, "src", "app.ts"));
    await npm(project, ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs]);
  }, INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    if (service === undefined || service.exitCode !== null || service.signalCode !== null) return;
    const exited = new Promise((resolve) => service?.once("exit", resolve));
    service.kill("SIGKILL");
    await exited;
  });

  it("type-checks with tsc", async () => {
    const tsc = join(project, "node_modules", "typescript", "bin", "tsc");
    const result = await run(process.execPath, [tsc, "-p", project]).catch(
      (error: { stdout?: string; stderr?: string }) => error,
    );
    expect(`${result.stdout ?? ""}${result.stderr ?? ""}`).toBe("");
  });

  it("loads the build for its module system", async () => {
    const entries = [
      "@restate-ai/vercel-middleware",
      "@restate-ai/vercel-middleware/chat-transport",
      "@restate-ai/openai-agents",
    ];
    const resolve = kind === "commonjs" ? "require.resolve" : "import.meta.resolve";
    const probe = `console.log(${entries.map((e) => `${resolve}(${JSON.stringify(e)})`).join(", ")})`;
    const { stdout } = await run(
      process.execPath,
      [kind === "commonjs" ? "--input-type=commonjs" : "--input-type=module", "-e", probe],
      { cwd: project },
    );
    const resolved = stdout.trim().split(" ");
    expect(resolved).toHaveLength(3);
    for (const path of resolved) {
      if (kind === "commonjs") expect(path).toMatch(/dist\/cjs\/(index|chat-transport)\.js$/);
      else expect(path).toMatch(/dist\/(index|chat-transport)\.js$/);
    }
  });

  it("runs agents of both SDKs, and fails a 401 at once", async () => {
    const port = await freePort();
    // tsx as a loader of this node process (its CLI would run the app in a child, which a kill
    // of the CLI leaves running)
    service = spawn(process.execPath, ["--import", "tsx", join("src", "app.ts")], {
      cwd: project,
      env: {
        ...process.env,
        ...fake.env(),
        PORT: String(port),
        OPENAI_AGENTS_DISABLE_TRACING: "1",
        NODE_OPTIONS: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    service.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    service.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await registerWhenListening(`http://127.0.0.1:${port}`, () => output);

    fake.reset(
      conversation(
        (request) => ({
          toolCalls: [
            {
              name: request.tools.includes("get_weather") ? "get_weather" : "getWeather",
              args: { city: "Paris" },
            },
          ],
        }),
        (request) => ({
          text: `Paris: ${outputOf(request, "get_weather") ?? outputOf(request, "getWeather")}`,
        }),
      ),
    );
    const vercel = await restate.call<string>("VercelAgent/run", "Weather in Paris?");
    const agents = await restate.call<string>("AgentsAgent/run", "Weather in Paris?");
    expect(vercel).toContain('"temperature":23');
    expect(agents).toContain('"temperature":23');
    expect(fake.count()).toBe(4);

    fake.reset(() => ({ status: 401, message: "Incorrect API key provided" }));
    for (const target of ["VercelAgent/run", "AgentsAgent/run"]) {
      const failure = await restate.call(target, "Weather in Paris?").catch((e: unknown) => e);
      expect(failure, output).toBeInstanceOf(IngressError);
      expect((failure as IngressError).body).toContain("Incorrect API key");
    }
    expect(fake.count(), "each 401 was requested once, not retried").toBe(2);
  });
});

async function registerWhenListening(uri: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await restate.register(uri);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${String(error)}\nservice output:\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
