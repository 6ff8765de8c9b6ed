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
/** The MCP server under /secure wants this token; the service has it from its config, not input. */
const MCP_TOKEN = "mcp-token-7f3a9c1e5b2d4f60";

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
    httpUrl: async (ctx: restate.Context, url: string) => {
      await createRestateMCPClient(ctx, { transport: { type: "http", url } });
    },
    withToken: async (ctx: restate.Context, token: string) => {
      const headers = {
        Authorization: `Bearer ${token === "right" ? MCP_TOKEN : `${MCP_TOKEN}-x`}`,
      };
      try {
        const mcp = await createRestateMCPClient(ctx, {
          transport: { type: "http", url: mcpServer.url.replace("/mcp", "/secure"), headers },
        });
        const tools = Object.keys(await mcp.tools());
        const motd = await mcp.readResource({ uri: "memo://motd" });
        await mcp.close();
        return { tools, motd: motd.contents[0] };
      } catch (error) {
        return { failure: `${(error as Error).name}: ${(error as Error).message}` };
      }
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  mcpServer = await FakeMcpServer.start({ secureToken: MCP_TOKEN });
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

  it("refuses transports whose sessions cannot be resumed, and URLs other than http(s)", async () => {
    await expect(env.restate.call("mcpAgent/sse", null)).rejects.toThrow(
      /only supports the HTTP transport/,
    );
    for (const url of ["file:///etc/passwd", "ws://127.0.0.1:1/mcp", "not a url"]) {
      await expect(env.restate.call("mcpAgent/httpUrl", url)).rejects.toThrow(
        /only supports the HTTP transport \({ type: 'http', url: 'http\(s\):\/\/...' }\)/,
      );
    }
  });

  it("never journals or stores the auth headers it is given, even when the server echoes them", async () => {
    const ok = await env.restate.send("mcpAgent/withToken", "right");
    expect(await env.restate.attach(ok)).toEqual({
      tools: ["add"],
      motd: { uri: "memo://motd", text: "hello" },
    });
    const denied = await env.restate.send("mcpAgent/withToken", "wrong");
    const answer = await env.restate.attach<{ failure: string }>(denied);
    expect(answer.failure).toMatch(/HTTP 401.*Authorization: Bearer \[redacted\]/);
    const stored = JSON.stringify([
      await env.restate.query(`SELECT * FROM sys_journal WHERE id IN ('${ok}', '${denied}')`),
      await env.restate.query(`SELECT * FROM sys_invocation WHERE id IN ('${ok}', '${denied}')`),
    ]);
    expect(stored).toContain("mcp-list-tools");
    expect(stored).not.toContain(MCP_TOKEN);
  });
});
