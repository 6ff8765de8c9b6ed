import { describe, expect, it } from "vitest";
import { EncryptedAnswerError, ingressAnswer, ingressBody, ingressCodec } from "./ingress-json.js";
import { endpointJournalCodec, journalCodec, journalEncryption } from "./journal-encryption.js";

const keys = [{ id: "k1", key: new Uint8Array(32).fill(7) }];
const answer = (bytes: Uint8Array | string) => new Response(bytes as BodyInit);

describe("ingress JSON", () => {
  it("is plain JSON without a codec", async () => {
    const body = ingressBody({ a: 1 }, undefined);
    expect(new TextDecoder().decode(body)).toBe('{"a":1}');
    expect(await ingressAnswer(answer('{"b":2}'), undefined, "x")).toEqual({ b: 2 });
    expect(await ingressAnswer(answer(""), undefined, "x")).toBeUndefined();
  });

  it("encrypts requests and decrypts answers with a codec; plain answers pass", async () => {
    const codec = await journalCodec({ keys });
    const body = ingressBody({ secret: "abc" }, codec);
    expect(new TextDecoder().decode(body)).not.toContain("abc");
    expect(await ingressAnswer(answer(body), codec, "x")).toEqual({ secret: "abc" });
    expect(await ingressAnswer(answer('{"invocationId":"inv"}'), codec, "x")).toEqual({
      invocationId: "inv",
    });
  });

  it("names the missing option for an encrypted answer without a codec", async () => {
    const encrypted = ingressBody({ secret: "abc" }, await journalCodec({ keys }));
    const failure = ingressAnswer(answer(encrypted), undefined, "ChatStreams/c/append");
    await expect(failure).rejects.toThrow(EncryptedAnswerError);
    await expect(failure).rejects.toThrow(
      /ChatStreams\/c\/append: the answer is encrypted .*journalValueCodec/,
    );
  });

  it("defaults to the codec of this process's journalEncryption()", async () => {
    expect(await ingressCodec(undefined)).toBe(await endpointJournalCodec());
    journalEncryption({ keys });
    const byDefault = await ingressCodec(undefined);
    expect(byDefault).toBeDefined();
    const body = ingressBody({ n: 1 }, byDefault);
    expect(await ingressAnswer(answer(body), await journalCodec({ keys }), "x")).toEqual({ n: 1 });
    const given = await journalCodec({ keys });
    expect(await ingressCodec(given)).toBe(given);
  });
});
