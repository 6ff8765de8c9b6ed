import {
  FakeMcpServer,
  type RestateTestEnvironment,
  startRestateWith,
  textResult,
  toolCallResult,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { durableCalls } from "./durable-calls.js";
import { createRestateMCPClient } from "./mcp-client.js";

let mcpServer: FakeMcpServer;
let requestsWhenDown = 0;

let model: MockLanguageModelV4;
const attempts = new Map<string, number>();

const agent = restate.service({
  name: "mcpAgent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      const mcp = await createRestateMCPClient(ctx, {
        transport: { type: "http", url: mcpServer.url },
      });
      const { text } = await generateText({
        model: wrapLanguageModel({ model, middleware: durableCalls(ctx) }),
        tools: await mcp.tools(),
        prompt,
        maxRetries: 0,
        stopWhen: stepCountIs(3),
      });
      const motd = await mcp.readResource({ uri: "memo://motd" });
      await mcp.close();
      await ctx.run("after the agent", () => {
        if (attempt !== 1) return;
        // the replay must not need the server: everything it asked is journaled
        mcpServer.down = true;
        requestsWhenDown = mcpServer.requests;
        throw new Error("force a replay");
      });
      return { text, motd: motd.contents[0] };
    },
    readMissing: async (ctx: restate.Context) => {
      const mcp = await createRestateMCPClient(ctx, {
        transport: { type: "http", url: mcpServer.url },
      });
      try {
        await mcp.readResource({ uri: "memo://missing" });
        return "read";
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      } finally {
        await mcp.close();
      }
    },
    sse: async (ctx: restate.Context) => {
      await createRestateMCPClient(ctx, { transport: { type: "sse", url: mcpServer.url } });
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  mcpServer = await FakeMcpServer.start();
  env = await startRestateWith([agent]);
});
afterAll(async () => {
  await env.stop();
  await mcpServer.close();
});

beforeEach(() => {
  mcpServer.reset();
  model = new MockLanguageModelV4({
    doGenerate: [
      toolCallResult([{ name: "add", input: { a: 2, b: 3 } }]),
      textResult("The sum is 5."),
    ],
  });
});

describe("createRestateMCPClient", () => {
  it("journals the tool list and each MCP tool call; a replay needs no server", async () => {
    const id = await env.restate.send("mcpAgent/run", "What is 2 + 3?");
    expect(await env.restate.attach(id)).toEqual({
      text: "The sum is 5.",
      motd: { uri: "memo://motd", text: "hello" },
    });
    expect(mcpServer.addCalls).toBe(1);
    expect(mcpServer.down).toBe(true);
    expect(mcpServer.requests, "the replay did not contact the MCP server").toBe(requestsWhenDown);
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain('"text":"5"');
    const names = (await env.restate.journal(id))
      .filter((e) => e.entry_type === "Command: Run")
      .map((e) => e.name);
    // the names @restatedev/vercel-ai-middleware 0.4.0 gives these entries
    expect(names).toEqual([
      "RestateMCPClient-mcp-list-tools",
      "calling mock-provider",
      "add-mcp-tool-execute",
      "calling mock-provider",
      "RestateMCPClient-mcp-read-resource-memo://motd",
      "after the agent",
    ]);
  });

  it("turns MCP client errors into a TerminalError", async () => {
    const result = await env.restate.call<string>("mcpAgent/readMissing", null);
    expect(result).toMatch(/^TerminalError: MCPClientError: .*memo:\/\/missing/);
  });

  it("refuses transports whose sessions cannot be resumed", async () => {
    await expect(env.restate.call("mcpAgent/sse", null)).rejects.toThrow(
      /only supports the HTTP transport/,
    );
  });
});
