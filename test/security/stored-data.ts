/**
 * Everything restate-server keeps about invocations, as searchable text: the rows of the admin
 * query tables (`sys_journal`, `state`, `sys_invocation`, `sys_inbox`, `sys_promise`), with the
 * binary columns decoded (hex `raw` / `value` columns, byte arrays inside `entry_json`); and the
 * files of its data directory, searched byte for byte.
 *
 * The data directory is only searchable when RocksDB does not compress it: the suites start their
 * server with {@link UNCOMPRESSED_STORAGE}. (Compression would hide plaintext from a byte search,
 * not from someone with RocksDB's tools.) Each suite also runs an unencrypted control, which the
 * searches must find, so a search that cannot see plaintext fails the suite.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RestateServer } from "@restate-ai/test-harness";

export const UNCOMPRESSED_STORAGE = {
  RESTATE_ROCKSDB_DISABLE_WAL_COMPRESSION: "true",
  RESTATE_ROCKSDB_DISABLE_L0_L1_COMPRESSION: "true",
};

const TABLES = ["sys_journal", "state", "sys_invocation", "sys_inbox", "sys_promise"];

/** All rows of the tables, as one text with every binary value decoded as UTF-8. */
export async function storedRows(restate: RestateServer): Promise<string> {
  const texts: string[] = [];
  for (const table of TABLES) {
    const rows = await restate.query(`SELECT * FROM ${table}`);
    if (table === "sys_journal" && rows.length === 0) throw new Error("sys_journal is empty");
    for (const row of rows) texts.push(rowText(row));
  }
  return texts.join("\n");
}

/** The files under `dir` whose bytes contain `needle`. */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  const wanted = Buffer.from(needle);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes?.includes(wanted)) hits.push(path);
  }
  return hits;
}

/** How many files the data directory holds, to show the search looked at something. */
export async function fileCount(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).length;
}

function rowText(row: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const value of Object.values(row)) {
    if (typeof value !== "string") {
      parts.push(JSON.stringify(value));
      continue;
    }
    parts.push(value);
    if (/^(?:[0-9a-f]{2})+$/.test(value)) parts.push(Buffer.from(value, "hex").toString("utf8"));
    if (value.startsWith("{")) {
      try {
        parts.push(...byteArrays(JSON.parse(value)));
      } catch {
        // not JSON after all
      }
    }
  }
  return parts.join(" ");
}

function byteArrays(value: unknown): string[] {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((n) => Number.isInteger(n) && n >= 0 && n < 256)) {
      return [Buffer.from(value as number[]).toString("utf8")];
    }
    return value.flatMap(byteArrays);
  }
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(byteArrays);
  return [];
}
