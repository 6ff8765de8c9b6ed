/**
 * Journal format 2: a model call's entry as plain JSON, packed by a codec that knows the SDK's
 * result shape (usage as a row of numbers, timestamps as epoch milliseconds, a streamed text block
 * as one item...), with `"jv": 2` marking it. About a third of the bytes of format 1, and plain
 * `JSON.parse` / `JSON.stringify` instead of SuperJSON's walk.
 *
 * Format 1 — SuperJSON envelopes `{ json, meta }` — and plain JSON (entries of other packages,
 * such as `@restatedev/vercel-ai-middleware`) still decode, so invocations journaled before the
 * change replay unchanged. A value that is not plain JSON once packed (file bytes, a `Date` or a
 * `URL` in provider data, `undefined` in an array) is written in format 1, whose SuperJSON keeps
 * the types.
 */
import type { Serde } from "@restatedev/restate-sdk";
import { superJson } from "./journal-serde.js";

/** The key and value that mark a format 2 entry. */
export const FORMAT_KEY = "jv";
export const FORMAT_2 = 2;

/** A packed entry: plain JSON, with {@link FORMAT_KEY} set. */
export type Packed = { [FORMAT_KEY]: typeof FORMAT_2 } & Record<string, unknown>;

export interface PackedCodec<T> {
  /** The format 2 form of `value`; may hold non-JSON values, which send `value` to format 1. */
  pack(value: T): Packed;
  /** The value back from its format 2 form. */
  unpack(packed: Packed): T;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A serde writing format 2 with `codec`, reading formats 2 and 1 and plain JSON. */
export function packedSerde<T>(codec: PackedCodec<T>): Serde<T> {
  return {
    contentType: "application/json",
    serialize(value: T): Uint8Array {
      const packed = codec.pack(value);
      return isPlainJson(packed)
        ? encoder.encode(JSON.stringify(packed))
        : superJson.serialize(value);
    },
    deserialize(data: Uint8Array): T {
      if (data.length === 0) return undefined as T;
      const parsed: unknown = JSON.parse(decoder.decode(data));
      if (isPacked(parsed)) return codec.unpack(parsed);
      return superJson.fromParsed(parsed) as T;
    },
  };
}

function isPacked(value: unknown): value is Packed {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[FORMAT_KEY] === FORMAT_2
  );
}

/**
 * Whether `JSON.stringify` keeps `value` as it is: only strings, finite numbers, booleans, null,
 * arrays and plain objects (whose `undefined` members JSON drops, which reads back the same).
 */
export function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (const item of value) if (item === undefined || !isPlainJson(item)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) {
        const member = (value as Record<string, unknown>)[key];
        if (member !== undefined && !isPlainJson(member)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
