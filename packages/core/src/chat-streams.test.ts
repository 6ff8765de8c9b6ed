import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppendItem, AppendResult, ReadResult, UIChunk } from "./chat-stream-protocol.js";
import { chatStreams } from "./chat-streams.js";

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([chatStreams({ pollTimeoutMs: 200 })]);
});
afterAll(() => env.stop());

const A = "000000000a.a";
const B = "000000000b.b";
const delta = (delta: string): UIChunk => ({ type: "text-delta", id: "t", delta });
const at = (seg: number, pos: number, chunk: UIChunk, live = false): AppendItem => ({
  chunk,
  seg,
  pos,
  live,
});

function append(chat: string, attempt: string, items: AppendItem[], turnId = "turn-1") {
  return env.restate.call<AppendResult>(`ChatStreams/${chat}/append`, {
    turnId,
    invocationId: "inv_1",
    attempt,
    items,
  });
}
async function log(chat: string): Promise<UIChunk[]> {
  const result = await env.restate.call<ReadResult>(`ChatStreams/${chat}/read`, { from: 0 });
  return result.kind === "chunks" ? result.chunks : [];
}

const stepOne = (text: string, live = true): AppendItem[] => [
  at(0, 0, { type: "start" }),
  { claim: 1 },
  at(1, 0, { type: "start-step" }, live),
  at(1, 1, { type: "text-start", id: "t" }, live),
  at(1, 2, delta(text), live),
];

describe("ChatStreams", () => {
  it("adds nothing for a replay of what it has, with merged deltas", async () => {
    await append("replay", A, [...stepOne("ab"), at(1, 4, delta("cd"), true)]);
    const before = await log("replay");
    const result = await append("replay", B, [
      at(0, 0, { type: "start" }),
      at(1, 0, { type: "start-step" }),
      at(1, 1, { type: "text-start", id: "t" }),
      at(1, 2, delta("abcd")),
    ]);
    expect(result).toEqual({ accepted: true, tail: before.length });
    expect(await log("replay")).toEqual(before);
  });

  it("appends only the unseen end of a replayed delta", async () => {
    await append("overlap", A, stepOne("ab"));
    await append("overlap", B, [at(1, 2, delta("abcd")), at(1, 6, { type: "text-end", id: "t" })]);
    expect((await log("overlap")).slice(-2)).toEqual([delta("cd"), { type: "text-end", id: "t" }]);
  });

  it("supersedes the partial step of an earlier attempt, and refuses that attempt afterwards", async () => {
    await append("retry", A, stepOne("partial"));
    await append("retry", B, [
      { claim: 1 },
      at(1, 0, { type: "start-step" }, true),
      at(1, 1, { type: "text-start", id: "t" }, true),
      at(1, 2, delta("fresh"), true),
    ]);
    const late = await append("retry", A, [at(1, 9, delta(" more"), true)]);
    expect(late.accepted).toBe(false);
    expect(late.refused).toBe("superseded attempt");
    expect((await log("retry")).map((c) => (c.type === "text-delta" ? c.delta : c.type))).toEqual([
      "start",
      "start-step",
      "text-start",
      "partial",
      "reset-step",
      "text-start",
      "fresh",
    ]);
  });

  it("a claim of a later step fences the earlier attempt's chunks of it", async () => {
    await append("claim", A, [
      at(0, 0, { type: "start" }),
      at(1, 0, { type: "start-step" }),
      at(1, 1, delta("done")),
    ]);
    await append("claim", B, [{ claim: 2 }]);
    expect((await append("claim", A, [at(2, 0, { type: "start-step" }, true)])).accepted).toBe(
      false,
    );
    expect((await append("claim", B, [at(2, 0, { type: "start-step" }, true)])).accepted).toBe(
      true,
    );
  });

  it("a new turn replaces the log; the old turn's chunks are refused", async () => {
    await append("turns", A, stepOne("one"), "turn-1");
    await append("turns", B, [at(0, 0, { type: "start" })], "turn-2");
    expect(await log("turns")).toEqual([{ type: "start" }]);
    expect((await append("turns", A, [at(1, 9, delta("x"), true)], "turn-1")).refused).toBe(
      "older turn",
    );
  });

  it("answers reads past the end, of unknown chats and with bad offsets clearly", async () => {
    await append("reads", A, [at(0, 0, { type: "start" }), { close: true }]);
    expect(await env.restate.call("ChatStreams/reads/read", { from: 5 })).toEqual({
      kind: "past-end",
      turnId: "turn-1",
      tail: 1,
    });
    expect(await env.restate.call("ChatStreams/nobody/read", { from: 0 })).toEqual({
      kind: "unknown",
    });
    await expect(env.restate.call("ChatStreams/reads/read", { from: -1 })).rejects.toThrow(
      /from must be a non-negative integer/,
    );
    expect((await append("reads", A, [at(0, 1, { type: "finish" })])).refused).toBe("closed turn");
  });
});
