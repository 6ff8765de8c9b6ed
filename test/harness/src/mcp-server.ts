/**
 * A real MCP server (the official SDK, streamable HTTP, stateless) on a loopback port: an `add`
 * tool and a `memo://motd` resource. It counts tool calls and HTTP requests, and can be taken
 * "down" (every request answered 503), so tests can check that a replay needs no server. With a
 * `secureToken`, paths under `/secure` want it as a bearer token and answer others with a 401 that
 * echoes the credentials they got, as careless servers and proxies do.
 */
import { createServer, type Server } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

export class FakeMcpServer {
  /** Calls of the `add` tool that reached the server. */
  addCalls = 0;
  /** HTTP requests of any kind (handshake, listing, calls). */
  requests = 0;
  /** While true, every request is answered 503. */
  down = false;
  readonly url: string;
  private readonly http: Server;

  private constructor(http: Server, url: string) {
    this.http = http;
    this.url = url;
  }

  static async start(options: { secureToken?: string } = {}): Promise<FakeMcpServer> {
    let fake: FakeMcpServer | undefined;
    const http = createServer(async (req, res) => {
      if (fake === undefined) return;
      fake.requests++;
      if (fake.down) {
        res.writeHead(503).end();
        return;
      }
      const auth = req.headers.authorization;
      if (req.url?.startsWith("/secure") && auth !== `Bearer ${options.secureToken}`) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `invalid credentials, Authorization: ${auth}` }));
        return;
      }
      const server = fake.server();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const address = http.address();
    if (address === null || typeof address === "string") throw new Error("no MCP port");
    fake = new FakeMcpServer(http, `http://127.0.0.1:${address.port}/mcp`);
    return fake;
  }

  reset(): void {
    this.addCalls = 0;
    this.requests = 0;
    this.down = false;
  }

  async close(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private server(): McpServer {
    const server = new McpServer({ name: "calculator", version: "1.0.0" });
    server.registerTool(
      "add",
      { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
      async ({ a, b }) => {
        this.addCalls++;
        return { content: [{ type: "text", text: String(a + b) }] };
      },
    );
    server.registerResource("motd", "memo://motd", { mimeType: "text/plain" }, async (uri) => ({
      contents: [{ uri: uri.href, text: "hello" }],
    }));
    return server;
  }
}
