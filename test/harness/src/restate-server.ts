/**
 * A real restate-server (npm `@restatedev/restate-server`) per suite: temp data dir, free loopback
 * ports, TCP only, and a configurable invoker inactivity timeout so suspension shows in seconds.
 *
 * The platform binary is spawned directly: killing the npm launcher would orphan the server.
 * `kill()` + `restart()` keep the data dir, for tests that crash the server itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "./free-port.ts";
import { RestateApi } from "./restate-api.ts";

export interface RestateServerOptions {
  /** Suspend an invocation after this long without progress, e.g. `"2s"` (Restate's default: 1m). */
  inactivityTimeout?: string;
  /** Extra `RESTATE_*` settings. */
  env?: Record<string, string>;
  /** Keep the data here (and keep it on `stop()`); default: a temp dir, deleted on `stop()`. */
  baseDir?: string;
  /** Fixed ports; default: free loopback ports. */
  ports?: { ingress: number; admin: number; node: number };
  /** Receives all of the server's output as it arrives. */
  onOutput?: (text: string) => void;
}

const require = createRequire(import.meta.url);
const STARTUP_TIMEOUT_MS = 30_000;

function serverBinary(): string {
  const launcher = require.resolve("@restatedev/restate-server/package.json");
  const platformPackage = `@restatedev/restate-server-${process.platform}-${process.arch}`;
  const fromLauncher = createRequire(launcher);
  const pkg = fromLauncher.resolve(`${platformPackage}/package.json`);
  return join(dirname(pkg), "bin", "restate-server");
}

export class RestateServer extends RestateApi {
  private process: ChildProcess | undefined;
  private log: string[] = [];

  private readonly baseDir: string;
  private readonly ports: { ingress: number; admin: number; node: number };
  private readonly options: RestateServerOptions;

  private constructor(
    baseDir: string,
    ports: { ingress: number; admin: number; node: number },
    options: RestateServerOptions,
  ) {
    super(`http://127.0.0.1:${ports.ingress}`, `http://127.0.0.1:${ports.admin}`);
    this.baseDir = baseDir;
    this.ports = ports;
    this.options = options;
  }

  /** Starts a server and waits until its admin API is healthy. */
  static async start(options: RestateServerOptions = {}): Promise<RestateServer> {
    const baseDir = options.baseDir ?? (await mkdtemp(join(tmpdir(), "restate-test-")));
    const ports = options.ports ?? {
      ingress: await freePort(),
      admin: await freePort(),
      node: await freePort(),
    };
    const server = new RestateServer(baseDir, ports, options);
    await server.launch();
    return server;
  }

  /** The server's base dir: its data (RocksDB, log store, metadata). */
  get dataDir(): string {
    return this.baseDir;
  }

  /** The server's recent output, for failure messages. */
  output(): string {
    return this.log.join("");
  }

  /** SIGKILL, keeping the data dir. */
  async kill(): Promise<void> {
    await this.terminate("SIGKILL");
  }

  /** Starts the server again on the same ports and data dir. */
  async restart(): Promise<void> {
    if (this.process !== undefined) await this.terminate("SIGKILL");
    await this.launch();
  }

  /** Stops the server and deletes its data dir, unless the dir was given. */
  async stop(): Promise<void> {
    await this.terminate("SIGTERM");
    if (this.options.baseDir === undefined)
      await rm(this.baseDir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const child = spawn(
      serverBinary(),
      ["--base-dir", this.baseDir, "--listen-mode", "tcp", "--no-logo", "--node-name", "test"],
      {
        env: {
          ...process.env,
          RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${this.ports.ingress}`,
          RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${this.ports.admin}`,
          RESTATE_BIND_ADDRESS: `127.0.0.1:${this.ports.node}`,
          RESTATE_DEFAULT_NUM_PARTITIONS: "2",
          RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE: "512MiB",
          RESTATE_DISABLE_TELEMETRY: "true",
          RESTATE_LOG_FILTER: "warn",
          RESTATE_LOG_DISABLE_ANSI_CODES: "true",
          RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT: this.options.inactivityTimeout ?? "1m",
          ...this.options.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const keep = (chunk: Buffer) => {
      this.log.push(chunk.toString());
      if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
      this.options.onOutput?.(chunk.toString());
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.process = child;
    await this.waitHealthy(child);
  }

  private async waitHealthy(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`restate-server exited with ${child.exitCode}:\n${this.output()}`);
      }
      const healthy = await fetch(`${this.adminUrl}/health`)
        .then((response) => response.ok)
        .catch(() => false);
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`restate-server did not become healthy:\n${this.output()}`);
  }

  private async terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
