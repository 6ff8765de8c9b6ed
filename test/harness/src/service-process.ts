/**
 * Restate services served from a child process, so a test can `kill -9` them mid-step and start
 * them again on the same port (the deployment stays registered).
 *
 * The child gets `PORT`, `OPENAI_BASE_URL`/`PROBE_URL` (when given) and the network guard, which
 * fails and reports any request that leaves the machine.
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.ts";

export interface ServiceProcessOptions {
  env?: Record<string, string | undefined>;
  /** Fixed port; default: a free loopback port. */
  port?: number;
  /** Fail and report requests that leave the machine (default `true`). */
  guardNetwork?: boolean;
  /** Receives the child's output as it arrives. */
  onOutput?: (text: string) => void;
  /**
   * The script to fork instead of the default entry (which serves the module's `services` with
   * Restate); it gets the module path as its argument and must send `{ type: "ready" }` when it
   * listens on `$PORT`, and answer `{ type: "peak-rss" }` and `{ type: "cpu-usage" }` as the
   * default entry does (`answerPeakRss`).
   */
  entry?: string;
}

const entry = fileURLToPath(new URL("./child-entry.ts", import.meta.url));
const guard = fileURLToPath(new URL("./network-guard.ts", import.meta.url));
const READY_TIMEOUT_MS = 30_000;

export class ServiceProcess {
  private child: ChildProcess | undefined;
  private log: string[] = [];
  private env: Record<string, string | undefined>;

  private readonly modulePath: string;
  private readonly options: ServiceProcessOptions;
  readonly port: number;

  private constructor(modulePath: string, port: number, options: ServiceProcessOptions) {
    this.modulePath = modulePath;
    this.port = port;
    this.options = options;
    this.env = options.env ?? {};
  }

  /** Starts `modulePath` (a file exporting `services`). */
  static async start(modulePath: string, options: ServiceProcessOptions = {}) {
    const service = new ServiceProcess(modulePath, options.port ?? (await freePort()), options);
    await service.launch();
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The child's recent output, for failure messages. */
  output(): string {
    return this.log.join("");
  }

  /** The child's peak resident set size so far, in bytes. */
  peakRss(): Promise<number> {
    return this.ask("peak-rss", "bytes");
  }

  /** The CPU time (user + system) the child used so far, in µs. */
  cpuMicros(): Promise<number> {
    return this.ask("cpu-usage", "micros");
  }

  /**
   * The child's V8 heap in use, in bytes, after a full garbage collection when the child runs with
   * `--expose-gc` (e.g. `NODE_OPTIONS=--expose-gc` in its environment).
   */
  heapUsed(): Promise<number> {
    return this.ask("heap-used", "bytes");
  }

  private async ask(type: string, field: string): Promise<number> {
    const child = this.child;
    if (child === undefined) throw new Error("the service process is not running");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} answer`)), 5_000);
      const answer = (message: Record<string, unknown>) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        child.off("message", answer);
        resolve(Number(message[field]));
      };
      child.on("message", answer);
      child.send({ type });
    });
  }

  /** SIGKILL: the process dies at once, mid-step, as in a crash. */
  async kill(): Promise<void> {
    await this.terminate("SIGKILL");
  }

  /** Starts the service again on the same port, optionally with changed environment. */
  async restart(env?: Record<string, string | undefined>): Promise<void> {
    await this.terminate("SIGKILL");
    if (env !== undefined) this.env = { ...this.env, ...env };
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.terminate("SIGTERM");
  }

  private async launch(): Promise<void> {
    const guarded = this.options.guardNetwork ?? true;
    const child = fork(this.options.entry ?? entry, [this.modulePath], {
      execArgv: ["--disable-warning=ExperimentalWarning", ...(guarded ? ["--import", guard] : [])],
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      this.log.push(text);
      if (this.log.length > 500) this.log.splice(0, this.log.length - 500);
      this.options.onOutput?.(text);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`service did not start:\n${this.output()}`)),
        READY_TIMEOUT_MS,
      );
      child.on("message", (message: { type?: string }) => {
        if (message.type !== "ready") return;
        clearTimeout(timer);
        resolve();
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`service exited with ${code} before listening:\n${this.output()}`));
      });
    });
  }

  private async terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  }
}
