import type { AgentInputItem } from "@openai/agents";
import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestateSession } from "./restate-session.js";

const user = (content: string): AgentInputItem => ({ role: "user", content });
const reply = (text: string): AgentInputItem => ({
  role: "assistant",
  status: "completed",
  content: [{ type: "output_text", text }],
});

const sessions = restate.object({
  name: "sessions",
  handlers: {
    /** An exchange: a user message and a reply, with an optional history bound. */
    exchange: async (
      ctx: restate.ObjectContext,
      { text, maxItems, summarise }: { text: string; maxItems?: number; summarise?: boolean },
    ) => {
      const session = new RestateSession(ctx, {
        ...(maxItems === undefined ? {} : { maxItems }),
        ...(summarise
          ? {
              compact: (items: AgentInputItem[]) => [
                reply(`summary of ${items.length - 2} items`),
                ...items.slice(-2),
              ],
            }
          : {}),
      });
      await session.addItems([user(text), reply(`re: ${text}`)]);
      return (await session.getItems()).length;
    },
    /** Writes a history the way earlier versions did: one array under the state key. */
    writeEarlierLayout: async (ctx: restate.ObjectContext, texts: string[]) => {
      ctx.set("agent-session", texts.map(user));
    },
    history: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) =>
      RestateSession.read(ctx),
    ),
    add: async (ctx: restate.ObjectContext, texts: string[]) => {
      const session = new RestateSession(ctx);
      await session.addItems(texts.map(user));
      return { id: await session.getSessionId(), lastTwo: await session.getItems(2) };
    },
    pop: async (ctx: restate.ObjectContext) => new RestateSession(ctx).popItem(),
    clear: async (ctx: restate.ObjectContext) => new RestateSession(ctx).clearSession(),
    all: async (ctx: restate.ObjectContext) => new RestateSession(ctx).getItems(),
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([sessions]);
});
afterAll(() => env.stop());

describe("RestateSession", () => {
  it("keeps the history on the object's state, per key", async () => {
    expect(await env.restate.call("sessions/a/add", ["one", "two"])).toEqual({
      id: "a",
      lastTwo: [user("one"), user("two")],
    });
    await env.restate.call("sessions/a/add", ["three"]);
    await env.restate.call("sessions/b/add", ["elsewhere"]);
    expect(await env.restate.call("sessions/a/all", null)).toEqual([
      user("one"),
      user("two"),
      user("three"),
    ]);
    expect(await env.restate.call("sessions/b/all", null)).toEqual([user("elsewhere")]);
  });

  it("pops the last item and clears the history", async () => {
    await env.restate.call("sessions/c/add", ["x", "y"]);
    expect(await env.restate.call("sessions/c/pop", null)).toEqual(user("y"));
    expect(await env.restate.call("sessions/c/all", null)).toEqual([user("x")]);
    await env.restate.call("sessions/c/clear", null);
    expect(await env.restate.call("sessions/c/all", null)).toEqual([]);
  });

  it("writes the last chunk and the index only, however long the history", async () => {
    for (let i = 0; i < 40; i++)
      await env.restate.call("sessions/long/exchange", { text: `m${i}` });
    const id = await env.restate.send("sessions/long/exchange", { text: "last" });
    expect(await env.restate.attach(id)).toBe(82);
    const sets = (await env.restate.journal(id)).filter(
      (e) => e.entry_type === "Command: SetState",
    );
    expect(sets).toHaveLength(2);
    const written = sets.reduce((sum, e) => sum + e.raw_length, 0);
    expect(written, "bytes written for one exchange").toBeLessThan(16 * 1024);
    const history = await env.restate.call<AgentInputItem[]>("sessions/long/history", null);
    expect(history).toHaveLength(82);
    expect(history[0]).toEqual(user("m0"));
    expect(history.at(-2)).toEqual(user("last"));
  });

  it("reads a history written in the earlier layout, and moves it to chunks", async () => {
    await env.restate.call("sessions/old/writeEarlierLayout", ["a", "b"]);
    expect(await env.restate.call("sessions/old/exchange", { text: "c" })).toBe(4);
    const history = await env.restate.call<AgentInputItem[]>("sessions/old/history", null);
    expect(history.map((item) => (item as { content: unknown }).content)).toEqual([
      "a",
      "b",
      "c",
      [{ type: "output_text", text: "re: c" }],
    ]);
  });

  it("keeps at most maxItems, from a user message on: a long chat stays usable", async () => {
    const storedBytes = async () => {
      const [stored] = await env.restate.query<{ bytes: number }>(
        "SELECT sum(length(value)) AS bytes FROM state WHERE service_name = 'sessions' AND service_key = 'bounded'",
      );
      return Number(stored?.bytes);
    };
    let halfway = 0;
    for (let i = 0; i < 120; i++) {
      if (i === 60) halfway = await storedBytes();
      const length = await env.restate.call<number>("sessions/bounded/exchange", {
        text: `m${i} ${"x".repeat(500)}`,
        maxItems: 11,
      });
      expect(length).toBeLessThanOrEqual(11);
    }
    const history = await env.restate.call<AgentInputItem[]>("sessions/bounded/history", null);
    expect(history).toHaveLength(10);
    expect((history[0] as { role: string }).role).toBe("user");
    expect((history.at(-2) as { content: string }).content).toMatch(/^m119 /);
    // at most maxItems items plus one chunk of them: the state does not grow with the chat
    const stored = await storedBytes();
    expect(stored).toBeLessThan(64 * 1024);
    expect(stored).toBeLessThan(1.5 * halfway);
  });

  it("hands the history to compact beyond maxItems", async () => {
    for (let i = 0; i < 4; i++) {
      await env.restate.call("sessions/summarised/exchange", {
        text: `m${i}`,
        maxItems: 5,
        summarise: true,
      });
    }
    const history = await env.restate.call<AgentInputItem[]>("sessions/summarised/history", null);
    // m2 made it 6 items: compacted to the summary and the last exchange; m3 brought it to 5
    expect(history).toEqual([
      reply("summary of 4 items"),
      user("m2"),
      reply("re: m2"),
      user("m3"),
      reply("re: m3"),
    ]);
  });
});
