/**
 * Durable chat streams stay bounded: the log's appends and the turn's journal entries per model
 * step do not grow with the number of tokens, and a finished turn's chunks are deleted after the
 * retention.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatEnv, readAll, render, sseEvents, startChatEnv, textOf } from "./chat-env.ts";

const words = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`).join(" ");

interface Figures {
  appends: number;
  journal: number;
  chunks: number;
}

let env: ChatEnv;
beforeAll(async () => {
  env = await startChatEnv({ CHAT_RETENTION_MS: "1500" });
});
afterAll(() => env.stop());

describe("7. bounded", () => {
  it.each(["vercel", "agents"] as const)(
    "%s: appends and journal entries per model step do not depend on the number of tokens",
    async (sdk) => {
      const figures: Record<string, Figures> = {};
      for (const [name, tokens, flushIntervalMs] of [
        ["short", 20, 60_000],
        ["long", 1000, 60_000],
        ["live", 1000, 50],
      ] as const) {
        env.suite.fake.reset(() => ({ text: words(tokens) }));
        const chatId = `bounded-${sdk}-${name}`;
        const chunks = await readAll(await env.send(chatId, "Count", sdk, { flushIntervalMs }));
        expect(textOf(await render(chunks))).toBe(words(tokens));
        const [turn] = await env.suite.restate.invocations(`target LIKE '%Chat/${chatId}/turn'`);
        figures[name] = {
          chunks: chunks.length,
          appends: await env.appends(chatId),
          journal: (await env.suite.restate.journal(String(turn?.id))).length,
        };
      }
      const { short, long, live } = figures as Record<"short" | "long" | "live", Figures>;
      // publishing journals nothing: the turn's journal is the same for 20 tokens or 1000
      expect(long.journal).toBe(short.journal);
      expect(live.journal).toBe(short.journal);
      // appends are batched by time: with a long interval, 1000 tokens take a handful, as 20 do
      // (the first content, the step's claim and the end go at once; nothing else does) ...
      expect(short.appends).toBeLessThanOrEqual(4);
      expect(long.appends).toBeLessThanOrEqual(4);
      // ... and with the default 50 ms a 1000-token step takes far fewer appends than tokens
      expect(live.chunks).toBeGreaterThan(1000);
      expect(live.appends).toBeLessThan(1000 / 4);
    },
  );

  it("a finished turn's chunks are deleted after the retention", async () => {
    env.suite.fake.reset(() => ({ text: words(200) })); // more than a page of chunks
    const chatId = "retention";
    const chunks = await readAll(await env.send(chatId, "Count", "vercel"));
    expect((await sseEvents(`${env.api}/${chatId}/stream`)).events.length).toBe(chunks.length + 1);
    expect((await env.storeState(chatId)).map((row) => row.key).sort()).toEqual(["meta", "p0"]);
    await expect
      .poll(async () => (await fetch(`${env.api}/${chatId}/stream`)).status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe(410);
    expect((await env.storeState(chatId)).map((row) => row.key)).toEqual(["meta"]);
  });
});
