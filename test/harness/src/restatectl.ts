/**
 * `restatectl sql` (npm `@restatedev/restatectl`): the cluster tables that the admin API's
 * `/query` does not serve — `partition_state` (which node leads each partition), `partitions`,
 * `nodes`, `logs`. restatectl talks to the nodes' node-to-node port, not to the admin port.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { platformBinary } from "./server-process.ts";

const run = promisify(execFile);

/**
 * The restatectl binary installed from npm (the platform package, not the launcher); throws a
 * clear error if it is not installed, before any node starts.
 */
export function restatectlBinary(): string {
  let binary: string;
  try {
    binary = platformBinary("@restatedev/restatectl", "restatectl");
  } catch (error) {
    throw new Error(
      `restatectl is not installed (${(error as Error).message.split("\n")[0]}): run npm install; the cluster harness needs @restatedev/restatectl for ${process.platform}-${process.arch}`,
    );
  }
  if (!existsSync(binary)) throw new Error(`restatectl is missing at ${binary}: run npm install`);
  return binary;
}

/** Runs `sql` against the cluster through the first reachable of `addresses`; one row per line. */
export async function clusterSql<T = Record<string, unknown>>(
  addresses: string[],
  sql: string,
): Promise<T[]> {
  const { stdout } = await run(
    restatectlBinary(),
    ["--address", addresses.join(","), "sql", "--jsonl", sql],
    { timeout: 10_000, maxBuffer: 16 * 2 ** 20 },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`restatectl sql failed: ${error.stderr?.trim() || error.message}\n  ${sql}`);
  });
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as T);
}
