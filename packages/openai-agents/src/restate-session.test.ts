import type { AgentInputItem } from "@openai/agents";
import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestateSession } from "./restate-session.js";

const user = (content: string): AgentInputItem => ({ role: "user", content });

const sessions = restate.object({
  name: "sessions",
  handlers: {
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

  it("reads the state once and writes it once per addItems", async () => {
    const id = await env.restate.send("sessions/d/add", ["p", "q", "r"]);
    await env.restate.attach(id);
    const types = (await env.restate.journal(id)).map((e) => e.entry_type);
    expect(
      types.filter((t) => t === "Command: GetLazyState" || t === "Command: GetEagerState"),
    ).toHaveLength(1);
    expect(types.filter((t) => t === "Command: SetState")).toHaveLength(1);
  });
});
