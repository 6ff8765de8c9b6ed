import { randomUUID } from "node:crypto";
import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  encryptionOverhead,
  JournalDecryptionError,
  journalCodec,
  journalEncryption,
} from "./journal-encryption.js";
import { type JournalKey, JournalKeyConfigError } from "./journal-keys.js";
import { limitedSerde } from "./journal-limit.js";
import { superJson } from "./journal-serde.js";

const key = (id: string, byte: number): JournalKey => ({ id, key: new Uint8Array(32).fill(byte) });
const k1 = key("k1", 1);
const k2 = key("k2", 2);
const text = (value: string) => new TextEncoder().encode(value);
const read = (value: Uint8Array) => new TextDecoder().decode(value);
const contains = (haystack: Uint8Array, needle: string) =>
  Buffer.from(haystack).includes(Buffer.from(needle));

describe("journalCodec", () => {
  it("round-trips values, unreadable and different every time (fresh IV)", async () => {
    const codec = await journalCodec({ keys: [k1] });
    const value = text('{"prompt":"the secret plan"}');
    const [a, b] = [codec.encode(value), codec.encode(value)];
    expect(contains(a, "secret")).toBe(false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(read(await codec.decode(a))).toBe('{"prompt":"the secret plan"}');
    expect(a.length).toBe(value.length + 4 + 3 + 2 + 12 + 16);
  });

  it("reads back what it just sealed without decrypting, but only the exact bytes", async () => {
    const codec = await journalCodec({ keys: [k1] });
    const sealed = codec.encode(text("fresh"));
    expect(read(await codec.decode(new Uint8Array(sealed)))).toBe("fresh");
    for (const at of [9, sealed.length - 20, sealed.length - 1]) {
      const altered = new Uint8Array(sealed);
      altered[at] = (altered[at] ?? 0) ^ 1;
      await expect(codec.decode(altered)).rejects.toThrow(JournalDecryptionError);
    }
  });

  it("leaves empty values empty", async () => {
    const codec = await journalCodec({ keys: [k1] });
    expect(codec.encode(new Uint8Array())).toHaveLength(0);
    expect(await codec.decode(new Uint8Array())).toHaveLength(0);
  });

  it("composes with the superjson journal serde", async () => {
    const codec = await journalCodec({ keys: [k1] });
    const value = { at: new Date(7), bytes: new Uint8Array([1, 2]), n: 10n, gone: undefined };
    const stored = codec.encode(superJson.serialize(value));
    expect(superJson.deserialize(await codec.decode(stored))).toEqual(value);
  });

  it("rotates: new values use the first key, values of older keys still decrypt", async () => {
    const before = await journalCodec({ keys: [k1] });
    const after = await journalCodec({ keys: [k2, k1] });
    const old = before.encode(text("old value"));
    const fresh = after.encode(text("new value"));
    expect(contains(old, "k1")).toBe(true);
    expect(contains(fresh, "k2")).toBe(true);
    expect(read(await after.decode(old))).toBe("old value");
    await expect(before.decode(fresh)).rejects.toThrow(/key "k2", which this service does not/);
  });

  it("names the key id when the key is missing, wrong or the value altered", async () => {
    const sealed = (await journalCodec({ keys: [k1] })).encode(text("value"));
    const missing = await journalCodec({ keys: [k2] });
    await expect(missing.decode(sealed)).rejects.toThrow(JournalDecryptionError);
    await expect(missing.decode(sealed)).rejects.toThrow(
      'Journal encryption: a journal value is encrypted with key "k1", which this service does not have (its keys: k2)',
    );
    const wrong = await journalCodec({ keys: [key("k1", 9)] });
    await expect(wrong.decode(sealed)).rejects.toThrow(
      /could not be decrypted with key "k1": the key this service has under that id is not the one/,
    );
    const right = await journalCodec({ keys: [k1] });
    for (const at of [5, 10, sealed.length - 1]) {
      const altered = new Uint8Array(sealed);
      altered[at] = (altered[at] ?? 0) ^ 1;
      await expect(right.decode(altered)).rejects.toThrow(JournalDecryptionError);
    }
    await expect(right.decode(sealed.subarray(0, 20))).rejects.toThrow(/truncated/);
  });

  it("asks findKey for key ids it does not hold, e.g. a KMS", async () => {
    const sealed = (await journalCodec({ keys: [k1] })).encode(text("value"));
    const asked: string[] = [];
    const codec = await journalCodec({
      keys: [k2],
      findKey: (id) => {
        asked.push(id);
        return id === "k1" ? k1.key : undefined;
      },
    });
    expect(read(await codec.decode(sealed))).toBe("value");
    expect(read(await codec.decode(sealed))).toBe("value");
    expect(asked).toEqual(["k1"]);
  });

  it("accepts plaintext values unless told not to", async () => {
    const plain = text('"from curl"');
    expect(read(await (await journalCodec({ keys: [k1] })).decode(plain))).toBe('"from curl"');
    const strict = await journalCodec({ keys: [k1], acceptPlaintext: false });
    await expect(strict.decode(plain)).rejects.toThrow(
      /not encrypted, and acceptPlaintext is false/,
    );
  });

  it("deflates values from compressAbove on, only when that is smaller", async () => {
    const codec = await journalCodec({ keys: [k1], compressAbove: 1024 });
    const big = text(JSON.stringify(Array(200).fill({ type: "text-delta", delta: "hello" })));
    const sealed = codec.encode(big);
    expect(sealed.length).toBeLessThan(big.length / 5);
    expect(read(await codec.decode(sealed))).toBe(read(big));
    const random = crypto.getRandomValues(new Uint8Array(4096));
    expect(codec.encode(random).length).toBe(4096 + 4 + 3 + 2 + 12 + 16);
    // a codec without compression still reads compressed values
    expect(read(await (await journalCodec({ keys: [k1] })).decode(sealed))).toBe(read(big));
  });

  it("retries a failing key function, and fails values meanwhile", async () => {
    let calls = 0;
    const endpoint = journalEncryption({
      keys: async () => {
        calls++;
        if (calls === 1) throw new Error("KMS unavailable");
        return [k1];
      },
    });
    const codec = await endpoint.journalValueCodecProvider();
    expect(() => codec.encode(text("x"))).toThrow(
      /journal keys are not loaded: KMS unavailable|journal keys are not loaded yet/,
    );
    const sealed = await vi.waitFor(() => codec.encode(text("x")));
    expect(read(await codec.decode(sealed))).toBe("x");
    expect(calls).toBe(2);
  });

  it("fails at once, naming the variable, when no key is configured", () => {
    const saved = process.env.RESTATE_AI_JOURNAL_KEYS;
    delete process.env.RESTATE_AI_JOURNAL_KEYS;
    try {
      expect(() => journalEncryption()).toThrow(JournalKeyConfigError);
      expect(() => journalEncryption()).toThrow(/set RESTATE_AI_JOURNAL_KEYS/);
    } finally {
      if (saved !== undefined) process.env.RESTATE_AI_JOURNAL_KEYS = saved;
    }
  });

  it("makes maxJournalEntryBytes count the envelope", async () => {
    await journalCodec({ keys: [k1] });
    expect(encryptionOverhead()).toBe(4 + 3 + 2 + 12 + 16);
    const serde = limitedSerde(superJson, 100);
    const fits = "x".repeat(100 - superJson.serialize("").length - encryptionOverhead());
    expect(() => serde.serialize(fits)).not.toThrow();
    expect(() => serde.serialize(`${fits}x`)).toThrow(/of 101 bytes \(encrypted\) is larger/);
  });
});

describe("journalEncryption on a real restate-server", () => {
  // The client (the test) encrypts with k1; the service starts with k2 only and gets k1 back later.
  let k1Back = false;
  let env: RestateTestEnvironment;
  const vault = restate.object({
    name: "EncryptedVault",
    handlers: {
      keep: async (ctx: restate.ObjectContext, note: string) => {
        ctx.set("note", note);
        const seen = await ctx.run("look at it", () => `seen: ${note}`);
        const approval = ctx.awakeable<string>();
        ctx.set("awakeable", approval.id);
        return { seen, approved: await approval.promise, state: await ctx.get<string>("note") };
      },
      awakeable: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) =>
        ctx.get<string>("awakeable"),
      ),
    },
  });

  beforeAll(async () => {
    env = await startRestateWith(
      [vault],
      {
        inactivityTimeout: "2s",
        env: {
          RESTATE_DEFAULT_RETRY_POLICY__INITIAL_INTERVAL: "100ms",
          RESTATE_DEFAULT_RETRY_POLICY__MAX_INTERVAL: "300ms",
        },
      },
      journalEncryption({
        keys: [k2],
        findKey: (id) => (id === "k1" && k1Back ? k1.key : undefined),
      }),
    );
    env.restate.useCodec(await journalCodec({ keys: [k1, k2] }));
  });
  afterAll(() => env.stop());

  it("a missing key fails attempts visibly, naming it; with the key back the invocation continues", async () => {
    k1Back = false;
    const key = randomUUID();
    const id = await env.restate.send(`EncryptedVault/${key}/keep`, "kept while the key was gone");
    const failing = await env.restate.waitFor(id, (row) => (row.retry_count ?? 0) >= 3);
    expect(failing.status).not.toBe("completed");
    expect(failing.last_failure).toContain(
      `Journal encryption: the invocation's input: a journal value is encrypted with key "k1", which this service does not have (its keys: k2)`,
    );
    k1Back = true;
    let awakeable: string | null = null;
    while (awakeable === null) {
      awakeable = await env.restate.call<string | null>(`EncryptedVault/${key}/awakeable`, null);
    }
    await env.restate.resolveAwakeable(awakeable, "ok");
    expect(await env.restate.attach(id)).toMatchObject({ state: "kept while the key was gone" });
  });

  it("encrypts inputs, state, run results and awakeable payloads", async () => {
    const marker = `marker-${randomUUID()}`;
    const key = randomUUID();
    const id = await env.restate.send(`EncryptedVault/${key}/keep`, marker);
    let awakeable: string | null = null;
    while (awakeable === null) {
      awakeable = await env.restate.call<string | null>(`EncryptedVault/${key}/awakeable`, null);
    }
    await env.restate.resolveAwakeable(awakeable, `ok ${marker}`);
    expect(await env.restate.attach(id)).toEqual({
      seen: `seen: ${marker}`,
      approved: `ok ${marker}`,
      state: marker,
    });
    const rows = [
      ...(await env.restate.query(`SELECT * FROM sys_journal WHERE id = '${id}'`)),
      ...(await env.restate.query("SELECT * FROM state")),
    ];
    expect(rows.length).toBeGreaterThan(5);
    expect(JSON.stringify(rows)).not.toContain(marker);
  });

  it("answers ingress callers without the codec, encrypted", async () => {
    const response = await fetch(`${env.restate.ingressUrl}/EncryptedVault/any/awakeable`, {
      method: "POST",
    });
    const body = new Uint8Array(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect([...body.subarray(0, 4)]).toEqual([0xff, 0x52, 0x41, 0x45]);
  });
});
