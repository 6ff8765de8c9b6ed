/**
 * JSON to and from a handler through the Restate ingress, for the parts of this library that call
 * handlers over HTTP rather than through a context (the chat stream publisher and the chat
 * endpoint). When the services encrypt their journals, a handler's input may be plain but its
 * answer is encrypted: with the services' journal codec, inputs are encrypted and answers
 * decrypted here; without it, an encrypted answer fails with an error that says which option is
 * missing, instead of a JSON syntax error.
 */
import type { JournalValueCodec } from "@restatedev/restate-sdk";
import { endpointJournalCodec } from "./journal-encryption.js";
import { isEnvelope } from "./journal-envelope.js";

/** The codec to use: the given one, else the one of this process's `journalEncryption()`, if any. */
export function ingressCodec(
  given: JournalValueCodec | undefined,
): Promise<JournalValueCodec | undefined> {
  return given === undefined
    ? (endpointJournalCodec() ?? Promise.resolve(undefined))
    : Promise.resolve(given);
}

/** The request body of `value`: JSON, encrypted with `codec` when there is one. */
export function ingressBody(
  value: unknown,
  codec: JournalValueCodec | undefined,
): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(value));
  return codec === undefined ? json : new Uint8Array(codec.encode(json));
}

/**
 * The JSON value of an ingress answer (`undefined` for an empty one), decrypted with `codec` when
 * it is encrypted.
 *
 * @param what names the call in the error of an encrypted answer without a codec.
 */
export async function ingressAnswer(
  response: Response,
  codec: JournalValueCodec | undefined,
  what: string,
): Promise<unknown> {
  const raw = new Uint8Array(await response.arrayBuffer());
  if (raw.length === 0) return undefined;
  if (codec === undefined && isEnvelope(raw)) {
    throw new EncryptedAnswerError(
      `${what}: the answer is encrypted (the services use journal encryption); pass the services' codec as journalValueCodec (journalCodec() with the same keys)`,
    );
  }
  // the ingress's own answers (`/send`) are plain JSON
  const plain = codec !== undefined && isEnvelope(raw) ? await codec.decode(raw) : raw;
  return JSON.parse(new TextDecoder().decode(plain));
}

/** An ingress answer that is encrypted while the caller has no journal codec. */
export class EncryptedAnswerError extends Error {
  override name = "EncryptedAnswerError";
}
