import { describe, expect, it } from "vitest";
import { SuperJsonSerde, superJson } from "./journal-serde.js";

describe("SuperJsonSerde", () => {
  it("round-trips the types model results carry", () => {
    const value = {
      timestamp: new Date(Date.UTC(2026, 10, 21)),
      bytes: new Uint8Array([1, 2, 3]),
      url: new URL("https://example.com/file.png"),
      missing: undefined,
      big: 12n,
      tags: new Set(["a"]),
      byId: new Map([["k", 1]]),
    };
    const back = superJson.deserialize(superJson.serialize(value));
    expect(back).toEqual(value);
    expect(back.timestamp).toBeInstanceOf(Date);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(back.url).toBeInstanceOf(URL);
    expect("missing" in back).toBe(true);
  });

  it("writes JSON", () => {
    const serde = new SuperJsonSerde<{ a: number }>();
    expect(serde.contentType).toBe("application/json");
    expect(JSON.parse(new TextDecoder().decode(serde.serialize({ a: 1 })))).toEqual({
      json: { a: 1 },
    });
  });

  it("reads entries that Restate's default JSON serde wrote as plain JSON", () => {
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const embedding = { embeddings: [[0.1, 0.2]], usage: { tokens: 3 }, warnings: [] };
    expect(superJson.deserialize(encode(embedding))).toEqual(embedding);
    expect(superJson.deserialize(encode([1, 2]))).toEqual([1, 2]);
    expect(superJson.deserialize(encode("text"))).toBe("text");
    expect(superJson.deserialize(new Uint8Array())).toBeUndefined();
    expect(superJson.deserialize(superJson.serialize(undefined))).toBeUndefined();
  });

  it("journals bytes as base64 and reads them back as Uint8Array, Buffers included", () => {
    const file = new Uint8Array(1024 * 1024).map((_, i) => i % 256);
    const encoded = superJson.serialize({ file, buffer: Buffer.from([1, 2, 3]) });
    expect(encoded.length).toBeLessThan(1.4 * file.length);
    const back = superJson.deserialize(encoded);
    expect(back.file).toBeInstanceOf(Uint8Array);
    expect(back.file).toEqual(file);
    expect([...back.buffer]).toEqual([1, 2, 3]);
  });

  it("still reads bytes that an earlier version journaled as an array of numbers", () => {
    const earlier =
      '{"json":{"data":[1,2,3]},"meta":{"values":{"data":[["typed-array","Uint8Array"]]},"v":1}}';
    const back = superJson.deserialize(new TextEncoder().encode(earlier));
    expect(back.data).toBeInstanceOf(Uint8Array);
    expect([...back.data]).toEqual([1, 2, 3]);
  });
});
