/**
 * One restate-server process (npm `@restatedev/restate-server`), as a single server or as a node
 * of a cluster: the platform binary spawned directly (killing the npm launcher would orphan the
 * server), its recent output kept for failure messages, and SIGKILL / SIGTERM that wait for the
 * exit.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The path of an npm package's platform binary, e.g. `restate-server` or `restatectl`. */
export function platformBinary(launcherPackage: string, binary: string): string {
  const launcher = require.resolve(`${launcherPackage}/package.json`);
  const platformPackage = `${launcherPackage}-${process.platform}-${process.arch}`;
  const pkg = createRequire(launcher).resolve(`${platformPackage}/package.json`);
  return join(dirname(pkg), "bin", binary);
}

/** Settings every test server gets: quiet, no telemetry, plain log lines. */
export const QUIET_SERVER_ENV = {
  RESTATE_DISABLE_TELEMETRY: "true",
  RESTATE_LOG_FILTER: "warn",
  RESTATE_LOG_DISABLE_ANSI_CODES: "true",
};

/** Resident set size of a process, now and at its peak, in bytes (Linux `/proc`). */
export interface ResidentMemory {
  rssBytes: number;
  peakRssBytes: number;
}

export class ServerProcess {
  private child: ChildProcess | undefined;
  private readonly log: string[] = [];
  private readonly name: string;

  constructor(name: string) {
    this.name = name;
  }

  /**
   * Starts the binary with `args` and `env` (on top of this process's environment); `onOutput`
   * receives all of its output as it arrives.
   */
  launch(args: string[], env: Record<string, string>, onOutput?: (text: string) => void): void {
    const child = spawn(platformBinary("@restatedev/restate-server", "restate-server"), args, {
      env: { ...process.env, ...QUIET_SERVER_ENV, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      this.log.push(chunk.toString());
      if (this.log.length > 200) this.log.splice(0, this.log.length - 200);
      onOutput?.(chunk.toString());
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.child = child;
  }

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** Throws with the server's output if it has exited. */
  assertAlive(): void {
    const child = this.child;
    if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `${this.name} exited with ${child.exitCode ?? child.signalCode}:\n${this.output()}`,
      );
    }
  }

  /** The recent output, for failure messages. */
  output(): string {
    return this.log.join("");
  }

  /** Polls `healthy` until it answers true; fails with the output if the process exits first. */
  async waitUntil(healthy: () => Promise<boolean>, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      this.assertAlive();
      if (await healthy().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} did not become ${what} in ${timeoutMs} ms:\n${this.output()}`);
  }

  /** Current and peak RSS, or `undefined` where `/proc` does not exist (not Linux). */
  async memory(): Promise<ResidentMemory | undefined> {
    const pid = this.pid;
    if (pid === undefined) return undefined;
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
    if (status === undefined) return undefined;
    const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssBytes: kib("VmRSS") * 1024, peakRssBytes: kib("VmHWM") * 1024 };
  }

  /** Sends `signal` and waits for the exit (SIGKILL after 10 s). */
  async terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
