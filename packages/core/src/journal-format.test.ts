import { describe, expect, it } from "vitest";
import { isPlainJson, type Packed, packedSerde } from "./journal-format.js";
import { superJson } from "./journal-serde.js";

/** A codec that packs `{ at: Date, n }` as `{ jv: 2, t: ms, n }`. */
const serde = packedSerde<{ at: Date; n: unknown }>({
  pack: ({ at, n }) => ({ jv: 2, t: at.getTime(), n }),
  unpack: (packed: Packed) => ({ at: new Date(packed.t as number), n: packed.n }),
});
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("journal format 2", () => {
  it("writes the packed form as plain JSON and reads it back", () => {
    const value = { at: new Date(1234), n: { list: [1, "a", null, true] } };
    const bytes = serde.serialize(value);
    expect(JSON.parse(text(bytes))).toEqual({ jv: 2, t: 1234, n: { list: [1, "a", null, true] } });
    expect(serde.deserialize(bytes)).toEqual(value);
  });

  it("falls back to format 1 when the packed form is not plain JSON, and reads it", () => {
    const value = { at: new Date(5), n: new Uint8Array([1, 2]) };
    const bytes = serde.serialize(value);
    expect(JSON.parse(text(bytes))).toHaveProperty("json");
    const back = serde.deserialize(bytes);
    expect(back.n).toBeInstanceOf(Uint8Array);
    expect(back).toEqual(value);
  });

  it("reads format 1 (SuperJSON) and plain JSON entries, and an empty one as undefined", () => {
    expect(serde.deserialize(superJson.serialize({ at: new Date(9), n: 1 }))).toEqual({
      at: new Date(9),
      n: 1,
    });
    expect(serde.deserialize(new TextEncoder().encode('{"text":"hi"}'))).toEqual({ text: "hi" });
    expect(serde.deserialize(new Uint8Array())).toBeUndefined();
  });

  it.each([
    [{ a: 1, b: [true, null, "x"], c: { d: undefined } }, true],
    [[1, undefined], false],
    [{ a: new Date(0) }, false],
    [{ a: Number.NaN }, false],
    [{ a: new URL("https://x.test") }, false],
    [{ a: 1n }, false],
    [Object.create(null), true],
  ])("isPlainJson(%o) is %s", (value, plain) => {
    expect(isPlainJson(value)).toBe(plain);
  });
});
