/**
 * Durable chat streams end to end, against a real restate-server: live tokens, resume from an
 * offset, bad input. The client is the real `RestateChatTransport`; the model the fake OpenAI API.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ChatEnv, readAll, render, sseEvents, startChatEnv, textOf } from "./chat-env.ts";

const answer = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");

let env: ChatEnv;
beforeAll(async () => {
  env = await startChatEnv();
});
afterAll(() => env.stop());
beforeEach(() => {
  env.suite.fake.reset(() => ({ text: answer, eventDelayMs: 20 }));
  env.suite.probe.reset();
});

describe.each(["vercel", "agents", "loop"] as const)("%s agent", (sdk) => {
  it("1. live: the first text chunk reaches the client before the model's stream is journaled", async () => {
    const chatId = `live-${sdk}`;
    const stream = await env.send(chatId, "Tell me something", sdk);
    let journaledAtFirstDelta: boolean | undefined;
    const chunks = await readAll(stream, async (chunk) => {
      if (chunk.type === "text-delta" && journaledAtFirstDelta === undefined) {
        const [turn] = await env.suite.restate.invocations(`target LIKE '%Chat/${chatId}/turn'`);
        const journal = await env.suite.restate.journal(String(turn?.id));
        journaledAtFirstDelta = journal.some(
          (e) => e.name.startsWith("stream ") && e.result !== undefined,
        );
      }
    });
    expect(journaledAtFirstDelta).toBe(false);
    expect(textOf(await render(chunks))).toBe(answer);
    expect(chunks.filter((c) => c.type === "text-delta").length).toBeGreaterThan(1);
    expect(env.suite.fake.count()).toBe(1);
  });

  it("2. resume: a client that disconnects and reconnects from its offset gets every later chunk once", async () => {
    const chatId = `resume-${sdk}`;
    const stream = await env.send(chatId, "Tell me something", sdk);
    const reader = stream.getReader();
    const before = [];
    for (let i = 0; i < 5; i++) before.push((await reader.read()).value);
    await reader.cancel();
    const { status, events } = await sseEvents(`${env.api}/${chatId}/stream?startIndex=5`);
    expect(status).toBe(200);
    const ids = events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => 5 + i));
    const after = events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    const all = [...before, ...after];
    expect(textOf(await render(all))).toBe(answer);
    expect(events.at(-1)?.data).toBe("[DONE]");
    // the same from Last-Event-ID, through the fetch-style handler
    const fromHeader = await env.endpoint.fetch(
      new Request(`${env.api}/${chatId}/stream`, { headers: { "last-event-id": "4" } }),
    );
    expect(fromHeader.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect((await fromHeader.text()).match(/^id: \d+$/m)?.[0]).toBe("id: 5");
    const full = await sseEvents(`${env.api}/${chatId}/stream`);
    expect(full.events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data))).toEqual(
      all,
    );
  });
});

describe("8. bad input", () => {
  it("answers a clear 4xx, and the stream is intact afterwards", async () => {
    const chatId = "bad-input";
    const chunks = await readAll(await env.send(chatId, "Tell me something", "vercel"));
    const length = chunks.length;
    const past = await fetch(`${env.api}/${chatId}/stream?startIndex=${length + 5}`);
    expect(past.status).toBe(416);
    expect((await past.json()).error).toMatch(new RegExp(`past the end.*${length} chunks`));
    const unknown = await fetch(`${env.api}/no-such-chat/stream`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error).toMatch(/no stream for chat "no-such-chat"/);
    for (const startIndex of ["-1", "abc", "1.5"]) {
      const bad = await fetch(`${env.api}/${chatId}/stream?startIndex=${startIndex}`);
      expect(bad.status).toBe(400);
      expect((await bad.json()).error).toMatch(/startIndex must be a non-negative integer/);
    }
    const badHeader = await env.endpoint.fetch(
      new Request(`${env.api}/${chatId}/stream`, { headers: { "last-event-id": "x" } }),
    );
    expect(badHeader.status).toBe(400);
    expect((await badHeader.json()).error).toMatch(/Last-Event-ID must be a non-negative integer/);
    expect(
      (await env.endpoint.fetch(new Request(`${env.api}/${chatId}/stream`, { method: "POST" })))
        .status,
    ).toBe(405);
    const notJson = await fetch(env.api, { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
    const noMessages = await fetch(env.api, {
      method: "POST",
      body: JSON.stringify({ id: chatId }),
    });
    expect((await noMessages.json()).error).toMatch(/needs "messages"/);
    const approval = await fetch(`${env.api}/${chatId}/approvals`, {
      method: "POST",
      body: JSON.stringify({ approvalId: "nope", approved: true }),
    });
    expect(approval.status).toBe(404);
    const malformedApproval = await fetch(`${env.api}/${chatId}/approvals`, {
      method: "POST",
      body: JSON.stringify({ approvalId: 1 }),
    });
    expect(malformedApproval.status).toBe(400);
    expect((await fetch(`${env.api}/${chatId}/stop`, { method: "POST" })).status).toBe(409);
    // nothing lost: the whole stream is still there
    const again = await sseEvents(`${env.api}/${chatId}/stream`);
    expect(again.events.filter((e) => e.data !== "[DONE]")).toHaveLength(length);
    expect(env.suite.fake.count()).toBe(1);
  });
});
