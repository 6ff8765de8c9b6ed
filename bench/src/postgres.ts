/**
 * A private Postgres for the DBOS contenders: Debian's `postgresql` binaries (or any `initdb` on
 * PATH), a cluster `initdb`-ed into a temp dir, listening on a free loopback port with its unix
 * socket in that dir, trust auth, every other setting at Postgres's default. Deleted on `stop()`.
 *
 * Postgres refuses to run as root; when the bench runs as root the server runs as the `postgres`
 * user the Debian package creates (or `nobody`), via the spawn's uid/gid.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "@restate-ai/test-harness";

const run = promisify(execFile);
const STARTUP_TIMEOUT_MS = 30_000;
const USER = "bench";

/** How to make the DBOS contenders run where they are left out. */
export const POSTGRES_HINT =
  "install Postgres's server binaries (Debian/Ubuntu: `apt-get install -y postgresql`; any `initdb` on PATH works)";

/** The directory holding `initdb`, `postgres` and `psql`, or undefined when there is none. */
export async function findPostgresBin(): Promise<string | undefined> {
  const hasAll = (dir: string) =>
    ["initdb", "postgres", "psql", "pg_isready"].every((b) => existsSync(join(dir, b)));
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian)
    ? (await readdir(debian)).sort((a, b) => Number(b) - Number(a))
    : [];
  const candidates = [
    ...versions.map((v) => join(debian, v, "bin")),
    ...(process.env.PATH ?? "").split(delimiter).filter((dir) => dir !== ""),
  ];
  return candidates.find(hasAll);
}

/** uid/gid of a non-root user Postgres may run as, when we are root; undefined otherwise. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = (await readFile("/etc/passwd", "utf8")).split("\n").map((l) => l.split(":"));
  for (const name of ["postgres", "nobody"]) {
    const entry = passwd.find((fields) => fields[0] === name);
    if (entry !== undefined) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error(
    "running as root, and there is no `postgres` or `nobody` user to run Postgres as",
  );
}

export class Postgres {
  private readonly bin: string;
  private readonly dir: string;
  private readonly child: ChildProcess;
  private readonly log: string[];
  readonly port: number;

  private constructor(bin: string, dir: string, port: number, child: ChildProcess, log: string[]) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.child = child;
    this.log = log;
  }

  static async start(bin: string): Promise<Postgres> {
    const dir = await mkdtemp(join(tmpdir(), "bench-postgres-"));
    const user = await serverUser();
    if (user !== undefined) await chown(dir, user.uid, user.gid);
    const asUser = user ?? {};
    const data = join(dir, "data");
    try {
      await run(
        join(bin, "initdb"),
        ["-D", data, "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
        { ...asUser, cwd: dir },
      );
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? error}`);
    }
    const port = await freePort();
    const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"];
    const child = spawn(join(bin, "postgres"), args, {
      ...asUser,
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const log: string[] = [];
    const keep = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (log.length > 200) log.splice(0, log.length - 200);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const postgres = new Postgres(bin, dir, port, child, log);
    await postgres.waitReady();
    return postgres;
  }

  /** Connection URL of `database` (DBOS creates its system database when it is missing). */
  url(database: string): string {
    return `postgresql://${USER}@127.0.0.1:${this.port}/${database}`;
  }

  /** The server's version, e.g. "15.18 (Debian 15.18-0+deb12u1)". */
  async version(): Promise<string> {
    const [[version] = []] = await this.query("postgres", "SHOW server_version");
    return version ?? "unknown";
  }

  /** Runs one SQL statement with psql; returns its rows as arrays of text fields. */
  async query(database: string, sql: string): Promise<string[][]> {
    const { stdout } = await run(
      join(this.bin, "psql"),
      ["-X", "-q", "-A", "-t", "-F", "\t", "-d", this.url(database), "-c", sql],
      { env: { ...process.env, PGCONNECT_TIMEOUT: "10" } },
    ).catch((error: { stderr?: string }) => {
      throw new Error(`psql failed on ${JSON.stringify(sql)}: ${error.stderr ?? error}`);
    });
    return stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split("\t"));
  }

  /** Fast shutdown (SIGINT), then the data dir is deleted. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill("SIGINT");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    const isReady = join(this.bin, "pg_isready");
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) {
        await rm(this.dir, { recursive: true, force: true });
        throw new Error(`postgres exited with ${this.child.exitCode}:\n${this.log.join("")}`);
      }
      const ready = await run(isReady, ["-q", "-h", "127.0.0.1", "-p", String(this.port)])
        .then(() => true)
        .catch(() => false);
      if (ready) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.stop();
    throw new Error(`postgres did not become ready:\n${this.log.join("")}`);
  }
}
