import { Agent, MCPServerStreamableHttp } from "@openai/agents";
import {
  assistantMessage,
  functionCall,
  modelResponse,
  ScriptedModel,
} from "@openai/agents-core/testing";
import {
  FakeMcpServer,
  type RestateTestEnvironment,
  startRestateWith,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DurableRunner } from "./durable-runner.js";

let mcp: FakeMcpServer;
let model: ScriptedModel;
let requestsWhenDown = 0;
const attempts = new Map<string, number>();

const service = restate.service({
  name: "mcpRun",
  handlers: {
    run: async (ctx: restate.Context, { cache }: { cache: boolean }) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      // a server nobody connects: the durable run connects when a live call needs it
      const server = new MCPServerStreamableHttp({
        url: mcp.url,
        name: "calculator",
        cacheToolsList: cache,
      });
      const agent = new Agent({ name: "Math", instructions: "Add.", model, mcpServers: [server] });
      const result = await new DurableRunner(ctx).run(agent, "2 + 3?");
      await server.close();
      await ctx.run("after the run", () => {
        if (attempt > 1) return;
        mcp.down = true;
        requestsWhenDown = mcp.requests;
        throw new Error("force a replay");
      });
      return result.finalOutput;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  mcp = await FakeMcpServer.start();
  env = await startRestateWith([service]);
});
afterAll(async () => {
  await env.stop();
  await mcp.close();
});
beforeEach(() => {
  mcp.reset();
  model = new ScriptedModel([
    modelResponse([functionCall("add", { a: 2, b: 3 }, { callId: "call-1" })]),
    modelResponse([functionCall("add", { a: 1, b: 1 }, { callId: "call-2" })]),
    modelResponse([assistantMessage("The sums are 5 and 2.")]),
  ]);
});

describe("durableMcpServer", () => {
  it.each([false, true])(
    "journals each listing and call; a replay needs no server (cacheToolsList: %s)",
    async (cache) => {
      const id = await env.restate.send("mcpRun/run", { cache });
      expect(await env.restate.attach(id)).toBe("The sums are 5 and 2.");
      expect(mcp.addCalls).toBe(2);
      expect(mcp.down).toBe(true);
      expect(mcp.requests, "the replay did not contact the server").toBe(requestsWhenDown);
      const names = (await env.restate.journal(id))
        .filter((entry) => entry.name.startsWith("mcp "))
        .map((entry) => entry.name);
      // one listing per turn, cached or not, so the replay issues the same entries
      expect(names).toEqual([
        "mcp calculator: list tools",
        "mcp calculator: tool add",
        "mcp calculator: list tools",
        "mcp calculator: tool add",
        "mcp calculator: list tools",
      ]);
    },
  );
});
