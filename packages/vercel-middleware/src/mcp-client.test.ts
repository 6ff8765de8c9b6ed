import { createServer, type Server } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  type RestateTestEnvironment,
  startRestateWith,
  textResult,
  toolCallResult,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { durableCalls } from "./durable-calls.js";
import { createRestateMCPClient } from "./mcp-client.js";

let addCalls = 0;
let mcpUrl = "";
let mcpHttp: Server;

function calculatorServer(): McpServer {
  const server = new McpServer({ name: "calculator", version: "1.0.0" });
  server.registerTool(
    "add",
    { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
    async ({ a, b }) => {
      addCalls++;
      return { content: [{ type: "text", text: String(a + b) }] };
    },
  );
  server.registerResource("motd", "memo://motd", { mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, text: "hello" }],
  }));
  return server;
}

let model: MockLanguageModelV4;
const attempts = new Map<string, number>();

const agent = restate.service({
  name: "mcpAgent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      const mcp = await createRestateMCPClient(ctx, {
        transport: { type: "http", url: mcpUrl },
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
        if (attempt === 1) throw new Error("force a replay");
      });
      return { text, motd: motd.contents[0] };
    },
    readMissing: async (ctx: restate.Context) => {
      const mcp = await createRestateMCPClient(ctx, { transport: { type: "http", url: mcpUrl } });
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
      await createRestateMCPClient(ctx, { transport: { type: "sse", url: mcpUrl } });
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  mcpHttp = createServer(async (req, res) => {
    const server = calculatorServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => mcpHttp.listen(0, "127.0.0.1", resolve));
  const address = mcpHttp.address();
  if (address === null || typeof address === "string") throw new Error("no MCP port");
  mcpUrl = `http://127.0.0.1:${address.port}/mcp`;
  env = await startRestateWith([agent]);
});
afterAll(async () => {
  await env.stop();
  mcpHttp.closeAllConnections();
  mcpHttp.close();
});

beforeEach(() => {
  addCalls = 0;
  model = new MockLanguageModelV4({
    doGenerate: [
      toolCallResult([{ name: "add", input: { a: 2, b: 3 } }]),
      textResult("The sum is 5."),
    ],
  });
});

describe("createRestateMCPClient", () => {
  it("journals the tool list and each MCP tool call, so a replay calls nothing again", async () => {
    const id = await env.restate.send("mcpAgent/run", "What is 2 + 3?");
    expect(await env.restate.attach(id)).toEqual({
      text: "The sum is 5.",
      motd: { uri: "memo://motd", text: "hello" },
    });
    expect(addCalls).toBe(1);
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain('"text":"5"');
    const names = (await env.restate.journal(id))
      .filter((e) => e.entry_type === "Command: Run")
      .map((e) => e.name);
    expect(names).toEqual([
      "mcp RestateMCPClient: list tools",
      "generate mock-provider/mock-model-id",
      "mcp RestateMCPClient: tool add",
      "generate mock-provider/mock-model-id",
      "mcp RestateMCPClient: read resource memo://motd",
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
