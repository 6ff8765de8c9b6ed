import type { LanguageModelV4GenerateResult, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { packedSerde, superJson } from "@restate-ai/core";
import { describe, expect, it } from "vitest";
import { type ModelEntry, modelEntryCodec } from "./model-journal-format.js";

const serde = packedSerde(modelEntryCodec);
const roundTrip = (entry: ModelEntry) => serde.deserialize(serde.serialize(entry));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const usage = {
  inputTokens: { total: 120, noCache: 120, cacheRead: 0, cacheWrite: undefined },
  outputTokens: { total: 18, text: 0, reasoning: 0 },
};
const timestamp = new Date("2026-12-04T10:00:00.123Z");
const generated: LanguageModelV4GenerateResult = {
  content: [
    { type: "text", text: "Looking it up." },
    { type: "tool-call", toolCallId: "call_1", toolName: "lookup", input: '{"step":0}' },
  ],
  finishReason: { unified: "tool-calls", raw: "tool_calls" },
  usage,
  warnings: [],
  request: {},
  response: { id: "chatcmpl-1", timestamp, modelId: "gpt-4o" },
};
const streamed: LanguageModelV4StreamPart[] = [
  { type: "stream-start", warnings: [] },
  { type: "response-metadata", id: "chatcmpl-2", modelId: "gpt-4o", timestamp },
  { type: "text-start", id: "t1" },
  { type: "text-delta", id: "t1", delta: "Hello there" },
  { type: "text-end", id: "t1" },
  { type: "reasoning-start", id: "r1" },
  { type: "reasoning-delta", id: "r1", delta: "Think" },
  { type: "reasoning-end", id: "r1" },
  { type: "tool-input-start", id: "call_2", toolName: "lookup" },
  { type: "tool-input-delta", id: "call_2", delta: '{"step":1}' },
  { type: "tool-input-end", id: "call_2" },
  { type: "tool-call", toolCallId: "call_2", toolName: "lookup", input: '{"step":1}' },
  { type: "finish", finishReason: { unified: "tool-calls", raw: undefined }, usage },
];

describe("journal format 2 of model calls", () => {
  it("round-trips a generate result, Date and undefined usage fields included", () => {
    const back = roundTrip(generated) as LanguageModelV4GenerateResult;
    expect(back).toEqual({ ...generated, request: undefined });
    expect(back.response?.timestamp).toBeInstanceOf(Date);
    expect(back.response?.timestamp?.getTime()).toBe(timestamp.getTime());
    expect(Object.keys(back.usage.inputTokens)).toEqual([
      "total",
      "noCache",
      "cacheRead",
      "cacheWrite",
    ]);
  });

  it("round-trips a stream's parts in their order, blocks and tool inputs included", () => {
    const back = roundTrip({ parts: streamed }) as { parts: LanguageModelV4StreamPart[] };
    expect(back).toEqual({ parts: streamed });
    expect(back.parts.map((p) => p.type)).toEqual(streamed.map((p) => p.type));
  });

  it("keeps parts it does not pack as they are, and blocks that are not contiguous as parts", () => {
    const parts: LanguageModelV4StreamPart[] = [
      { type: "text-start", id: "a" },
      { type: "text-start", id: "b" },
      { type: "text-delta", id: "a", delta: "A" },
      { type: "text-delta", id: "b", delta: "B" },
      { type: "text-end", id: "a" },
      { type: "text-end", id: "b", providerMetadata: { openai: { itemId: "x" } } },
      { type: "tool-input-start", id: "c", toolName: "t", providerExecuted: true },
      { type: "tool-input-delta", id: "c", delta: "{}" },
      { type: "tool-input-end", id: "c" },
      { type: "tool-call", toolCallId: "c", toolName: "t", input: "{}", providerExecuted: true },
      { type: "source", sourceType: "url", id: "s", url: "https://example.com" },
      { type: "raw", rawValue: { any: ["json", 1] } },
      {
        type: "finish",
        finishReason: { unified: "stop", raw: "stop" },
        usage: { ...usage, raw: { prompt_tokens: 120 } },
        providerMetadata: { openai: { responseId: "r" } },
      },
    ];
    expect(roundTrip({ parts, meta: { request: { body: "{}" } } })).toEqual({
      parts,
      meta: { request: { body: "{}" } },
    });
  });

  it("writes plain JSON marked as format 2, about a third of format 1's bytes", () => {
    const compact = serde.serialize({ parts: streamed });
    const before = superJson.serialize({ parts: streamed });
    expect(JSON.parse(text(compact)).jv).toBe(2);
    expect(compact.length).toBeLessThan(before.length * 0.45);
    expect(serde.serialize(generated).length).toBeLessThan(
      superJson.serialize(generated).length * 0.45,
    );
  });

  it("writes format 1 for values JSON cannot hold (file bytes), and they come back as bytes", () => {
    const data = new Uint8Array([0, 1, 2, 250, 255]);
    const withFile: LanguageModelV4GenerateResult = {
      ...generated,
      content: [{ type: "file", mediaType: "image/png", data: { type: "data", data } }],
    };
    const bytes = serde.serialize(withFile);
    expect(JSON.parse(text(bytes)).json).toBeDefined();
    const back = serde.deserialize(bytes) as LanguageModelV4GenerateResult;
    expect(back).toEqual({ ...withFile, request: {} });
    const file = back.content[0] as { data: { data: Uint8Array } };
    expect(file.data.data).toBeInstanceOf(Uint8Array);
  });

  it("reads entries journaled in format 1 and by the reference package (plain JSON)", () => {
    expect(serde.deserialize(superJson.serialize(generated))).toEqual(generated);
    expect(serde.deserialize(superJson.serialize({ parts: streamed }))).toEqual({
      parts: streamed,
    });
    const reference = { content: [{ type: "text", text: "hi" }], finishReason: "stop" };
    expect(serde.deserialize(new TextEncoder().encode(JSON.stringify(reference)))).toEqual(
      reference,
    );
  });
});
