import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkJournalKeys,
  generateJournalKey,
  JournalKeyConfigError,
  journalKeysFromEnv,
  parseJournalKeys,
} from "./journal-keys.js";

const b64 = (byte: number, length = 32) => Buffer.alloc(length, byte).toString("base64");

describe("parseJournalKeys", () => {
  it("reads <id>:<base64> entries, commas or newlines, first one first", () => {
    const keys = parseJournalKeys(`k2:${b64(2)}, k1:${b64(1)}\n# old\n\nk0:${b64(0)}`);
    expect(keys.map((k) => k.id)).toEqual(["k2", "k1", "k0"]);
    expect(keys[0]?.key).toEqual(new Uint8Array(32).fill(2));
  });

  it("accepts base64url", () => {
    const url = Buffer.alloc(32, 0xfb).toString("base64url");
    expect(parseJournalKeys(`k:${url}`)[0]?.key).toEqual(new Uint8Array(32).fill(0xfb));
  });

  it.each([
    ["", /no journal key/],
    [b64(1), /entry 1 is not "<key id>:<base64 key>"/],
    [`k1:${b64(1, 16)}`, /key "k1" must be 32 bytes \(AES-256\), got 16/],
    [`k1:${b64(1)},k1:${b64(2)}`, /key id "k1" appears twice/],
    [`bad id:${b64(1)}`, /the id of key 1 must be/],
  ])("rejects %j", (text, message) => {
    expect(() => parseJournalKeys(text)).toThrow(JournalKeyConfigError);
    expect(() => parseJournalKeys(text)).toThrow(message);
  });

  it("never echoes key material in its errors", () => {
    const secret = b64(7);
    for (const text of [`${secret}:${secret}`, `k:${secret}x`, `k:${secret},k:${secret}`]) {
      try {
        parseJournalKeys(text);
      } catch (error) {
        expect((error as Error).message).not.toContain(secret.slice(0, 12));
      }
    }
  });
});

describe("journalKeysFromEnv", () => {
  it("reads RESTATE_AI_JOURNAL_KEYS, else the file of RESTATE_AI_JOURNAL_KEYS_FILE", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keys-"));
    try {
      const file = join(dir, "keys");
      await writeFile(file, `# demo key\nfile-key:${b64(9)}\n`);
      expect(journalKeysFromEnv({})).toBeUndefined();
      expect(journalKeysFromEnv({ RESTATE_AI_JOURNAL_KEYS_FILE: file })?.[0]?.id).toBe("file-key");
      const both = {
        RESTATE_AI_JOURNAL_KEYS: `env-key:${b64(1)}`,
        RESTATE_AI_JOURNAL_KEYS_FILE: file,
      };
      expect(journalKeysFromEnv(both)?.[0]?.id).toBe("env-key");
      expect(() => journalKeysFromEnv({ RESTATE_AI_JOURNAL_KEYS_FILE: join(dir, "none") })).toThrow(
        /RESTATE_AI_JOURNAL_KEYS_FILE: cannot read/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("generateJournalKey", () => {
  it("makes a fresh 32-byte key in the set's format", () => {
    const [a, b] = [generateJournalKey("k1"), generateJournalKey("k1")];
    expect(a).not.toBe(b);
    expect(parseJournalKeys(a)[0]?.key).toHaveLength(32);
    expect(() => generateJournalKey("no spaces")).toThrow(JournalKeyConfigError);
  });

  it("checkJournalKeys copies the keys", () => {
    const key = new Uint8Array(32).fill(3);
    const [checked] = checkJournalKeys([{ id: "k", key }]);
    key.fill(0);
    expect(checked?.key[0]).toBe(3);
  });
});
