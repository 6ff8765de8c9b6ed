/**
 * The keys of journal encryption: how they are written down and where they come from.
 *
 * A key set is a list of `<id>:<base64 key>` entries (AES-256: 32 random bytes), separated by
 * commas or newlines. The FIRST key encrypts new values; every key in the list decrypts, so a key is
 * rotated by putting the new one in front and keeping the old ones for as long as journals or state
 * encrypted with them exist. The set comes from `RESTATE_AI_JOURNAL_KEYS`, or from the file named by
 * `RESTATE_AI_JOURNAL_KEYS_FILE` (e.g. a mounted secret), or from code. Errors name the key id and
 * the source, never the key material.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** One AES-256 key and the id stored next to every value it encrypts. */
export interface JournalKey {
  /** 1–64 characters of `A–Z a–z 0–9 . _ -`; stored in plain text in each encrypted value. */
  id: string;
  /** 32 bytes. */
  key: Uint8Array;
}

/** Environment variable holding the key set. */
export const JOURNAL_KEYS_ENV = "RESTATE_AI_JOURNAL_KEYS";
/** Environment variable naming a file that holds the key set (same format). */
export const JOURNAL_KEYS_FILE_ENV = "RESTATE_AI_JOURNAL_KEYS_FILE";

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32;

/** Thrown for a key set that cannot be used; names the key id and where the set came from. */
export class JournalKeyConfigError extends Error {
  override name = "JournalKeyConfigError";
}

/**
 * Parses a key set: `<id>:<base64 key>` entries separated by commas or newlines, the first one
 * encrypting. Blank entries and `#` comment lines are ignored.
 *
 * @param source where the text came from, for error messages.
 * @throws JournalKeyConfigError for a malformed entry, a key that is not 32 bytes, a duplicate id,
 *   or an empty set.
 */
export function parseJournalKeys(text: string, source = JOURNAL_KEYS_ENV): JournalKey[] {
  const entries = text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "" && !entry.startsWith("#"));
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(":");
    if (colon === -1) {
      throw new JournalKeyConfigError(
        `${source}: entry ${index + 1} is not "<key id>:<base64 key>"`,
      );
    }
    return { id: entry.slice(0, colon).trim(), key: decodeKey(entry.slice(colon + 1).trim()) };
  });
  return checkJournalKeys(keys, source);
}

/**
 * Validates a key set given in code (or loaded by a function) and returns it.
 *
 * @throws JournalKeyConfigError as {@link parseJournalKeys}.
 */
export function checkJournalKeys(keys: readonly JournalKey[], source = "keys"): JournalKey[] {
  if (keys.length === 0) throw new JournalKeyConfigError(`${source}: no journal key given`);
  const seen = new Set<string>();
  for (const [index, { id, key }] of keys.entries()) {
    if (typeof id !== "string" || !KEY_ID.test(id)) {
      // not echoed: a malformed id may be key material written in the wrong place
      throw new JournalKeyConfigError(
        `${source}: the id of key ${index + 1} must be 1-64 characters of A-Z a-z 0-9 . _ -`,
      );
    }
    if (seen.has(id)) throw new JournalKeyConfigError(`${source}: key id "${id}" appears twice`);
    seen.add(id);
    if (!(key instanceof Uint8Array) || key.length !== KEY_BYTES) {
      throw new JournalKeyConfigError(
        `${source}: key "${id}" must be ${KEY_BYTES} bytes (AES-256), got ${key?.length ?? 0}`,
      );
    }
  }
  return keys.map(({ id, key }) => ({ id, key: new Uint8Array(key) }));
}

/**
 * The key set of the environment: `RESTATE_AI_JOURNAL_KEYS`, else the file named by
 * `RESTATE_AI_JOURNAL_KEYS_FILE`; `undefined` when neither is set.
 *
 * @throws JournalKeyConfigError for an unreadable file or a malformed set.
 */
export function journalKeysFromEnv(env: NodeJS.ProcessEnv = process.env): JournalKey[] | undefined {
  const inline = env[JOURNAL_KEYS_ENV];
  if (inline !== undefined && inline.trim() !== "") return parseJournalKeys(inline);
  const file = env[JOURNAL_KEYS_FILE_ENV];
  if (file === undefined || file.trim() === "") return undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new JournalKeyConfigError(
      `${JOURNAL_KEYS_FILE_ENV}: cannot read ${file}: ${(error as Error).message}`,
    );
  }
  return parseJournalKeys(text, `${JOURNAL_KEYS_FILE_ENV} (${file})`);
}

/** A new random key, written as one entry of a key set: `<id>:<base64 key>`. */
export function generateJournalKey(id: string): string {
  const [key] = checkJournalKeys([{ id, key: randomBytes(KEY_BYTES) }]);
  return `${id}:${Buffer.from(key?.key ?? []).toString("base64")}`;
}

function decodeKey(text: string): Uint8Array {
  // base64 or base64url; anything else decodes to a wrong length and is reported as such
  return new Uint8Array(Buffer.from(text.replaceAll("-", "+").replaceAll("_", "/"), "base64"));
}
