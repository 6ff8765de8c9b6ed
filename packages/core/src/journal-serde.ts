/**
 * Journal serde that keeps the types AI SDK and Agents SDK results are made of.
 *
 * Model results are not plain JSON: `Date` timestamps, `Uint8Array` file data, `URL`s and
 * `undefined` usage fields would be flattened by `JSON.stringify` and come back as different
 * values on replay. SuperJSON records their types next to the JSON, so a replayed result is
 * structurally identical to the live one.
 *
 * Entries written by Restate's default JSON serde (e.g. the reference package's embeddings) are
 * read as the plain JSON they are: a SuperJSON entry is always an envelope `{ json, meta? }`.
 */
import type { Serde } from "@restatedev/restate-sdk";
import { SuperJSON } from "superjson";

/** A private instance: custom registrations of other libraries must not change our journal. */
const codec = new SuperJSON();
/**
 * Bytes (file data, images, a `Buffer`) as base64, 1.33× their size, where SuperJSON's default
 * writes a JSON array of numbers (≈ 3.6×, and it cannot read back a `Buffer`). They come back as
 * `Uint8Array`. Entries written with the default encoding still decode.
 */
codec.registerCustom<Uint8Array, string>(
  {
    isApplicable: (value): value is Uint8Array => value instanceof Uint8Array,
    serialize: (bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64"),
    deserialize: (base64) => new Uint8Array(Buffer.from(base64, "base64")),
  },
  "bytes",
);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A Restate {@link Serde} backed by SuperJSON: round-trips `Date`, `Map`, `Set`, `URL`,
 * `BigInt`, typed arrays and `undefined`.
 */
export class SuperJsonSerde<T> implements Serde<T> {
  contentType = "application/json";

  serialize(value: T): Uint8Array {
    return encoder.encode(codec.stringify(value));
  }

  deserialize(data: Uint8Array): T {
    if (data.length === 0) return undefined as T;
    return this.fromParsed(JSON.parse(decoder.decode(data)));
  }

  /** The value of an entry already parsed as JSON: a SuperJSON envelope, or plain JSON. */
  fromParsed(parsed: unknown): T {
    return isEnvelope(parsed) ? codec.deserialize<T>(parsed) : (parsed as T);
  }
}

function isEnvelope(value: unknown): value is Parameters<typeof codec.deserialize>[0] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.includes("json") && keys.every((key) => key === "json" || key === "meta");
}

/** Shared {@link SuperJsonSerde} instance, e.g. for `ctx.run(name, fn, { serde: superJson })`. */
// biome-ignore lint/suspicious/noExplicitAny: a serde for any journaled value, as in the reference package
export const superJson = new SuperJsonSerde<any>();
