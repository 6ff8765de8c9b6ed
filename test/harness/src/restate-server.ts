/**
 * A real restate-server (npm `@restatedev/restate-server`) per suite: temp data dir, free loopback
 * ports, TCP only, and a configurable invoker inactivity timeout so suspension shows in seconds.
 *
 * `kill()` + `restart()` keep the data dir, for tests that crash the server itself. A cluster of
 * several such servers is `RestateCluster` (`restate-cluster.ts`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.ts";
import { RestateApi } from "./restate-api.ts";
import { type ResidentMemory, ServerProcess } from "./server-process.ts";

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

const STARTUP_TIMEOUT_MS = 30_000;

export class RestateServer extends RestateApi {
  private readonly process = new ServerProcess("restate-server");
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
    return this.process.output();
  }

  /** The server process's current and peak RSS (Linux only). */
  memory(): Promise<ResidentMemory | undefined> {
    return this.process.memory();
  }

  /** SIGKILL, keeping the data dir. */
  async kill(): Promise<void> {
    await this.process.terminate("SIGKILL");
  }

  /** Starts the server again on the same ports and data dir. */
  async restart(): Promise<void> {
    await this.process.terminate("SIGKILL");
    await this.launch();
  }

  /** Stops the server and deletes its data dir, unless the dir was given. */
  async stop(): Promise<void> {
    await this.process.terminate("SIGTERM");
    if (this.options.baseDir === undefined)
      await rm(this.baseDir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    this.process.launch(
      ["--base-dir", this.baseDir, "--listen-mode", "tcp", "--no-logo", "--node-name", "test"],
      {
        RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${this.ports.ingress}`,
        RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${this.ports.admin}`,
        RESTATE_BIND_ADDRESS: `127.0.0.1:${this.ports.node}`,
        RESTATE_DEFAULT_NUM_PARTITIONS: "2",
        RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE: "512MiB",
        RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT: this.options.inactivityTimeout ?? "1m",
        ...this.options.env,
      },
      this.options.onOutput,
    );
    await this.process.waitUntil(
      () => fetch(`${this.adminUrl}/health`).then((response) => response.ok),
      STARTUP_TIMEOUT_MS,
      "healthy",
    );
  }
}
