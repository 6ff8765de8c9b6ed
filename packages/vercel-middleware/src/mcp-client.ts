/**
 * An MCP client whose server calls are journaled.
 *
 * Listing tools, resources and prompts and every MCP tool call run inside `ctx.run`, so a replayed
 * agent sees the same tool list and never repeats a tool call that completed. The connection (the
 * MCP handshake) is made lazily, inside the first journaled call that runs live: a replay whose
 * MCP calls are all journaled never contacts the server, which may be down by then. Errors the MCP
 * client reports (`MCPClientError`: protocol errors, rejected calls) fail the step with a
 * `TerminalError`, except HTTP statuses that a retry can fix (408, 429, 5xx), which Restate
 * retries. `@ai-sdk/mcp` is an optional peer: it is loaded when a client is created.
 */
import type { MCPClient, MCPClientConfig } from "@ai-sdk/mcp";
import { classifyMcpFailure } from "@restate-ai/core";
import { type Context, type RunOptions, TerminalError } from "@restatedev/restate-sdk";
import { type EntryNames, journalNames, type McpOperation } from "./entry-names.js";

/** The `schemas` option of {@link RestateMCPClient.tools}. */
export type ToolSchemas = NonNullable<Parameters<MCPClient["tools"]>[0]>["schemas"];
declare const mcpClient: MCPClient;
/** The tool set {@link RestateMCPClient.tools} returns. */
export type McpToolSet<T extends ToolSchemas = "automatic"> = Awaited<
  ReturnType<typeof mcpClient.tools<T>>
>;
export type PaginatedRequest = NonNullable<Parameters<MCPClient["listResources"]>[0]>;
export type RequestOptions = NonNullable<Parameters<MCPClient["listResources"]>[0]>["options"];
export type ListResourcesResult = Awaited<ReturnType<MCPClient["listResources"]>>;
export type ReadResourceResult = Awaited<ReturnType<MCPClient["readResource"]>>;
export type ListResourceTemplatesResult = Awaited<ReturnType<MCPClient["listResourceTemplates"]>>;
export type ListPromptsResult = Awaited<ReturnType<MCPClient["listPrompts"]>>;
export type GetPromptResult = Awaited<ReturnType<MCPClient["getPrompt"]>>;
type ToolCallOptions = Parameters<NonNullable<McpToolSet[string]["execute"]>>[1];
type Execute = (input: unknown, options: ToolCallOptions) => Promise<unknown>;

/** Retry policy of the journaled MCP calls, and how their entries are named. */
export type McpRunOptions = RunOptions<never> & {
  /** See `DurableCallsOptions.entryNames`; default `"compatible"`. */
  entryNames?: EntryNames;
};

const DEFAULT_RETRY: RunOptions<never> = {
  initialRetryInterval: { milliseconds: 1000 },
  maxRetryAttempts: 10,
};

/** A protocol version every `@ai-sdk/mcp` 2.x accepts, for the client that only builds tools. */
const DEFINITIONS_PROTOCOL_VERSION = "2025-06-18";

/**
 * Returns a {@link RestateMCPClient} for an MCP server over the HTTP transport. It connects on
 * first use, inside a journaled step.
 *
 * @param runOptions retry policy of every journaled MCP call (default 10 attempts from 1 s), and
 *   `entryNames`.
 * @throws TerminalError for any transport other than `{ type: "http" }` with an `http:` or `https:`
 *   URL: SSE and stdio sessions cannot be resumed by a retried or replayed invocation.
 *
 * The transport's `headers` (e.g. `Authorization`) are never journaled: only what the server
 * answers is, and failures are stored without credentials (see `secret-redaction.ts` in the core).
 */
export async function createRestateMCPClient(
  ctx: Context,
  config: MCPClientConfig,
  runOptions?: McpRunOptions,
): Promise<RestateMCPClient> {
  if (!("type" in config.transport) || config.transport.type !== "http" || !isHttpUrl(config)) {
    throw new TerminalError(
      "RestateMCPClient only supports the HTTP transport ({ type: 'http', url: 'http(s)://...' }); SSE and stdio transports cannot be resumed.",
    );
  }
  const { createMCPClient } = await import("@ai-sdk/mcp");
  // Managed (event adapter) clients differ only in `experimental_events`, which is not wrapped.
  const connect = () => createMCPClient(config) as Promise<MCPClient>;
  return new RestateMCPClient(
    ctx,
    config.clientName ?? config.name ?? "RestateMCPClient",
    connect,
    runOptions ?? DEFAULT_RETRY,
  );
}

/**
 * MCP client that wraps every server call in `ctx.run` for durability and observability.
 */
export class RestateMCPClient {
  private readonly ctx: Context;
  private readonly name: string;
  private readonly connect: () => Promise<MCPClient>;
  private readonly retryPolicy: RunOptions<never>;
  private readonly entryNames: EntryNames | undefined;
  private connection: Promise<MCPClient> | undefined;

  /**
   * @param client a connected client, or a function that connects one (called once, when the
   *   first journaled call runs live).
   */
  constructor(
    ctx: Context,
    name: string,
    client: MCPClient | (() => Promise<MCPClient>),
    retryPolicy: McpRunOptions,
  ) {
    const { entryNames, ...retry } = retryPolicy;
    journalNames(entryNames);
    this.ctx = ctx;
    this.name = name;
    this.connect = typeof client === "function" ? client : async () => client;
    this.retryPolicy = retry;
    this.entryNames = entryNames;
  }

  /** AI SDK tools for the server's tools; the list and every call of a tool are journaled. */
  async tools<TOOL_SCHEMAS extends ToolSchemas = "automatic">(options?: {
    schemas?: TOOL_SCHEMAS;
  }): Promise<McpToolSet<TOOL_SCHEMAS>> {
    const definitions = await this.journaled({ kind: "list tools" }, (client) =>
      client.listTools(),
    );
    const shapes = (await definitionsOnlyClient(this.name)).toolsFromDefinitions(
      definitions,
      options,
    );
    let live: Promise<McpToolSet<TOOL_SCHEMAS>> | undefined;
    const liveTools = (client: MCPClient) => {
      live ??= Promise.resolve(client.toolsFromDefinitions(definitions, options));
      return live;
    };
    const durable = Object.entries(shapes).map(([toolName, shape]) => {
      if (shape.execute === undefined) return [toolName, shape];
      const execute: Execute = (input, callOptions) =>
        this.journaled({ kind: "tool", tool: toolName }, async (client) => {
          const live = (await liveTools(client))[toolName]?.execute as Execute | undefined;
          if (live === undefined) {
            throw new TerminalError(`The MCP client ${this.name} has no tool "${toolName}"`);
          }
          return live(input, callOptions);
        });
      return [toolName, { ...shape, execute }];
    });
    return Object.fromEntries(durable) as McpToolSet<TOOL_SCHEMAS>;
  }

  listResources(options?: {
    params?: PaginatedRequest["params"];
    options?: RequestOptions;
  }): Promise<ListResourcesResult> {
    return this.journaled({ kind: "list resources" }, (client) => client.listResources(options));
  }

  readResource(args: { uri: string; options?: RequestOptions }): Promise<ReadResourceResult> {
    return this.journaled({ kind: "read resource", uri: args.uri }, (client) =>
      client.readResource(args),
    );
  }

  listResourceTemplates(options?: {
    options?: RequestOptions;
  }): Promise<ListResourceTemplatesResult> {
    return this.journaled({ kind: "list resource templates" }, (client) =>
      client.listResourceTemplates(options),
    );
  }

  listPrompts(options?: {
    params?: PaginatedRequest["params"];
    options?: RequestOptions;
  }): Promise<ListPromptsResult> {
    return this.journaled({ kind: "list prompts" }, (client) => client.listPrompts(options));
  }

  getPrompt(args: {
    name: string;
    arguments?: Record<string, unknown>;
    options?: RequestOptions;
  }): Promise<GetPromptResult> {
    return this.journaled({ kind: "get prompt", prompt: args.name }, (client) =>
      client.getPrompt(args),
    );
  }

  /** @deprecated Use {@link RestateMCPClient.listPrompts}. */
  experimental_listPrompts(options?: {
    params?: PaginatedRequest["params"];
    options?: RequestOptions;
  }): Promise<ListPromptsResult> {
    return this.listPrompts(options);
  }

  /** @deprecated Use {@link RestateMCPClient.getPrompt}. */
  experimental_getPrompt(args: {
    name: string;
    arguments?: Record<string, unknown>;
    options?: RequestOptions;
  }): Promise<GetPromptResult> {
    return this.getPrompt(args);
  }

  /** Closes the connection, if one was made. Not journaled: it releases a local resource only. */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection === undefined) return;
    const client = await connection.catch(() => undefined);
    await client?.close();
  }

  private journaled<T>(operation: McpOperation, call: (client: MCPClient) => Promise<T>) {
    return this.ctx.run(
      journalNames(this.entryNames).mcp(this.name, operation),
      async () => {
        try {
          return await call(await this.connected());
        } catch (error) {
          throw classifyMcpFailure(error);
        }
      },
      this.retryPolicy as RunOptions<T>,
    );
  }

  private connected(): Promise<MCPClient> {
    if (this.connection === undefined) {
      const connection = this.connect();
      // A failed handshake is retried by the step's next attempt, with a new connection.
      connection.catch(() => {
        if (this.connection === connection) this.connection = undefined;
      });
      this.connection = connection;
    }
    return this.connection;
  }
}

/**
 * A client that never connects, only to build AI SDK tools from journaled definitions with the
 * SDK's own conversion (schemas, titles, `toModelOutput`); its tools are never executed.
 */
async function definitionsOnlyClient(name: string): Promise<MCPClient> {
  const { createMCPClient } = await import("@ai-sdk/mcp");
  const unconnected = async () => {
    throw new Error("RestateMCPClient: the definitions-only MCP client has no connection");
  };
  return (await createMCPClient({
    clientName: name,
    transport: { start: async () => {}, send: unconnected, close: async () => {} },
    initialInitializeResult: {
      protocolVersion: DEFINITIONS_PROTOCOL_VERSION,
      capabilities: { tools: {} },
      serverInfo: { name, version: "0" },
    },
  })) as MCPClient;
}

function isHttpUrl(config: MCPClientConfig): boolean {
  const url = (config.transport as { url?: unknown }).url;
  try {
    return ["http:", "https:"].includes(new URL(String(url)).protocol);
  } catch {
    return false;
  }
}
