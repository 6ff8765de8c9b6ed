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
/** The MCP server under /secure wants this token; the service has it from its config, not input. */
const MCP_TOKEN = "mcp-token-7f3a9c1e5b2d4f60";

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
    httpUrl: async (ctx: restate.Context, url: string) => {
      await createRestateMCPClient(ctx, { transport: { type: "http", url } });
    },
    withToken: async (ctx: restate.Context, token: string) => {
      const headers = {
        Authorization: `Bearer ${token === "right" ? MCP_TOKEN : `${MCP_TOKEN}-x`}`,
      };
      try {
        const mcp = await createRestateMCPClient(ctx, {
          transport: { type: "http", url: mcpUrl.replace("/mcp", "/secure"), headers },
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
  mcpHttp = createServer(async (req, res) => {
    const auth = req.headers.authorization;
    if (req.url?.startsWith("/secure") && auth !== `Bearer ${MCP_TOKEN}`) {
      // as careless servers and proxies do: echo the credentials in the error
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `invalid credentials, Authorization: ${auth}` }));
      return;
    }
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
    expect(stored).toContain("list tools");
    expect(stored).not.toContain(MCP_TOKEN);
  });
});
