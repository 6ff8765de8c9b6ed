import type { StreamEvent } from "@openai/agents";
import { Usage } from "@openai/agents";
import { packedSerde, superJson } from "@restate-ai/core";
import { describe, expect, it } from "vitest";
import { type ResponseEntry, responseEntryCodec } from "./response-journal-format.js";

const serde = packedSerde(responseEntryCodec);
const roundTrip = (entry: ResponseEntry) => serde.deserialize(serde.serialize(entry));
const call = {
  type: "function_call" as const,
  callId: "call_1",
  name: "lookup",
  arguments: '{"step":0}',
  status: "completed" as const,
};

describe("journal format 2 of Agents SDK model calls", () => {
  it("round-trips a response whose usage rebuilds into the same Usage", () => {
    const usage = { ...new Usage({ requests: 1, inputTokens: 120, outputTokens: 18 }) };
    const entry = { output: [call], responseId: "resp_0", usage };
    const back = roundTrip(entry) as typeof entry;
    expect(back.output).toEqual([call]);
    expect(new Usage(back.usage)).toEqual(new Usage(usage));
    expect(serde.serialize(entry).length).toBeLessThan(superJson.serialize(entry).length * 0.7);
  });

  it("keeps usage with token details and per-request entries as an object", () => {
    const usage = {
      ...new Usage({
        requests: 1,
        inputTokens: 10,
        outputTokens: 2,
        inputTokensDetails: { cached_tokens: 4 },
      }),
    };
    const back = roundTrip({ output: [], usage }) as { usage: object };
    expect(new Usage(back.usage)).toEqual(new Usage(usage));
    const twoRequests = new Usage(usage);
    twoRequests.add(new Usage({ requests: 1, inputTokens: 5, outputTokens: 1 }));
    const entry = { output: [], usage: { ...twoRequests } };
    const bytes = serde.serialize(entry);
    expect(JSON.parse(new TextDecoder().decode(bytes)).jv).toBe(2);
    expect(new Usage((serde.deserialize(bytes) as { usage: object }).usage)).toEqual(twoRequests);
  });

  it("round-trips a streamed call's events; response_done still parses as the runner expects", () => {
    const parts: StreamEvent[] = [
      { type: "response_started" },
      { type: "output_text_delta", delta: "Hello" },
      {
        type: "response_done",
        response: {
          id: "resp_1",
          usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
          output: [call],
        },
      },
    ];
    const back = roundTrip({ parts }) as { parts: StreamEvent[] };
    expect(back.parts.slice(0, 2)).toEqual(parts.slice(0, 2));
    expect(back.parts[2]).toMatchObject({
      type: "response_done",
      response: { id: "resp_1", usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 } },
    });
  });

  it("reads entries journaled in format 1", () => {
    const entry = { output: [call], responseId: "resp_0", usage: { inputTokens: 1 } };
    expect(serde.deserialize(superJson.serialize(entry))).toEqual(entry);
  });
});
