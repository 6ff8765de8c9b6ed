/**
 * Durable chat streams with journal encryption on, as `npm start` runs them: the publisher
 * encrypts its appends with its endpoint's codec (by default), the chat endpoint with the codec it
 * is given, and the `ChatStreams` state holds ciphertext only. A chat endpoint without the codec
 * fails with an error that names the missing option, instead of streaming garbage.
 */
import { generateJournalKey } from "@restate-ai/vercel-middleware";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ChatEnv, readAll, render, startChatEnv, textOf } from "./chat-env.ts";

const answer = Array.from({ length: 30 }, (_, i) => `secret${i}`).join(" ");
const journalKeys = generateJournalKey("chat-1");

describe("with journal encryption", () => {
  let env: ChatEnv;
  beforeAll(async () => {
    env = await startChatEnv({}, { journalKeys });
  });
  afterAll(() => env.stop());
  beforeEach(() => {
    env.suite.fake.reset(() => ({ text: answer, eventDelayMs: 10 }));
    env.suite.probe.reset();
  });

  it.each(["vercel", "agents"] as const)(
    "%s: the turn streams and renders as without encryption; the log's state is ciphertext",
    async (sdk) => {
      const chatId = `encrypted-${sdk}`;
      const chunks = await readAll(await env.send(chatId, "Tell me something", sdk));
      expect(textOf(await render(chunks))).toBe(answer);
      expect(env.suite.fake.count()).toBe(1);
      const state = await env.suite.restate.query<{ key: string; value: string }>(
        `SELECT key, value FROM state WHERE service_name = 'ChatStreams' AND service_key = '${chatId}'`,
      );
      expect(state.length).toBeGreaterThan(0);
      for (const { value } of state) {
        const bytes = Buffer.from(value, "hex");
        expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0xff, 0x52, 0x41, 0x45]));
        expect(bytes.toString("latin1")).not.toMatch(/secret\d|text-delta/);
      }
    },
  );
});

describe("a chat endpoint without the services' codec", () => {
  let env: ChatEnv;
  beforeAll(async () => {
    env = await startChatEnv({}, { journalKeys, endpointWithoutCodec: true });
  });
  afterAll(() => env.stop());

  it("answers with an error naming journalValueCodec", async () => {
    env.suite.fake.reset(() => ({ text: answer }));
    const response = await env.endpoint.fetch(
      new Request(env.api, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          id: "no-codec",
          trigger: "submit-message",
          messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "hi" }] }],
          agent: "vercel",
        }),
      }),
    );
    const text = await response.text();
    const [event] = text.split("\n\n").filter((block) => block.startsWith("data: "));
    expect(JSON.parse(event?.slice("data: ".length) ?? "{}")).toMatchObject({
      type: "error",
      errorText: expect.stringMatching(
        /answer is encrypted.*pass the services' codec as journalValueCodec/,
      ),
    });
  });
});
