/**
 * An MCP client whose server calls are journaled.
 *
 * Listing tools, resources and prompts and every MCP tool call run inside `ctx.run`, so a replayed
 * agent sees the same tool list and never repeats a tool call that completed. Errors the MCP client
 * reports (`MCPClientError`: protocol errors, rejected calls) fail the step with a `TerminalError`,
 * except HTTP statuses that a retry can fix (408, 429, 5xx), which Restate retries.
 */
import { createMCPClient, type MCPClient, type MCPClientConfig, MCPClientError } from "@ai-sdk/mcp";
import { isTerminalError, withoutSecrets } from "@restate-ai/core";
import { type Context, type RunOptions, TerminalError } from "@restatedev/restate-sdk";

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

const DEFAULT_RETRY: RunOptions<never> = {
  initialRetryInterval: { milliseconds: 1000 },
  maxRetryAttempts: 10,
};

/**
 * Connects to an MCP server over the HTTP transport and returns a {@link RestateMCPClient}.
 *
 * @param runOptions retry policy of every journaled MCP call (default 10 attempts from 1 s).
 * @throws TerminalError for any transport other than `{ type: "http" }` with an `http:` or `https:`
 *   URL: SSE and stdio sessions cannot be resumed by a retried or replayed invocation.
 *
 * The transport's `headers` (e.g. `Authorization`) are never journaled: only what the server
 * answers is, and failures are stored without credentials (see `secret-redaction.ts` in the core).
 */
export async function createRestateMCPClient(
  ctx: Context,
  config: MCPClientConfig,
  runOptions?: RunOptions<never>,
): Promise<RestateMCPClient> {
  if (!("type" in config.transport) || config.transport.type !== "http" || !isHttpUrl(config)) {
    throw new TerminalError(
      "RestateMCPClient only supports the HTTP transport ({ type: 'http', url: 'http(s)://...' }); SSE and stdio transports cannot be resumed.",
    );
  }
  // Managed (event adapter) clients differ only in `experimental_events`, which is not wrapped.
  const client = (await createMCPClient(config).catch((error: unknown) => {
    throw withoutSecrets(error);
  })) as MCPClient;
  return new RestateMCPClient(
    ctx,
    config.clientName ?? config.name ?? "RestateMCPClient",
    client,
    runOptions ?? DEFAULT_RETRY,
  );
}

/**
 * MCP client that wraps every server call in `ctx.run` for durability and observability.
 */
export class RestateMCPClient {
  private readonly ctx: Context;
  private readonly name: string;
  private readonly client: MCPClient;
  private readonly retryPolicy: RunOptions<never>;

  constructor(ctx: Context, name: string, client: MCPClient, retryPolicy: RunOptions<never>) {
    this.ctx = ctx;
    this.name = name;
    this.client = client;
    this.retryPolicy = retryPolicy;
  }

  /** AI SDK tools for the server's tools; the list and every call of a tool are journaled. */
  async tools<TOOL_SCHEMAS extends ToolSchemas = "automatic">(options?: {
    schemas?: TOOL_SCHEMAS;
  }): Promise<McpToolSet<TOOL_SCHEMAS>> {
    const definitions = await this.journaled("list tools", () => this.client.listTools());
    const tools = this.client.toolsFromDefinitions(definitions, options);
    const durable = Object.entries(tools).map(([toolName, definition]) => {
      const execute = definition.execute as
        | ((input: unknown, options: ToolCallOptions) => Promise<unknown>)
        | undefined;
      if (execute === undefined) return [toolName, definition];
      return [
        toolName,
        {
          ...definition,
          execute: (input: unknown, options: ToolCallOptions) =>
            this.journaled(`tool ${toolName}`, () => execute(input, options)),
        },
      ];
    });
    return Object.fromEntries(durable) as McpToolSet<TOOL_SCHEMAS>;
  }

  listResources(options?: {
    params?: PaginatedRequest["params"];
    options?: RequestOptions;
  }): Promise<ListResourcesResult> {
    return this.journaled("list resources", () => this.client.listResources(options));
  }

  readResource(args: { uri: string; options?: RequestOptions }): Promise<ReadResourceResult> {
    return this.journaled(`read resource ${args.uri}`, () => this.client.readResource(args));
  }

  listResourceTemplates(options?: {
    options?: RequestOptions;
  }): Promise<ListResourceTemplatesResult> {
    return this.journaled("list resource templates", () =>
      this.client.listResourceTemplates(options),
    );
  }

  listPrompts(options?: {
    params?: PaginatedRequest["params"];
    options?: RequestOptions;
  }): Promise<ListPromptsResult> {
    return this.journaled("list prompts", () => this.client.listPrompts(options));
  }

  getPrompt(args: {
    name: string;
    arguments?: Record<string, unknown>;
    options?: RequestOptions;
  }): Promise<GetPromptResult> {
    return this.journaled(`get prompt ${args.name}`, () => this.client.getPrompt(args));
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

  /** Closes the connection. Not journaled: it releases a local resource only. */
  async close(): Promise<void> {
    await this.client.close();
  }

  private journaled<T>(what: string, call: () => Promise<T>): Promise<T> {
    return this.ctx.run(
      `mcp ${this.name}: ${what}`,
      async () => {
        try {
          return await call();
        } catch (error) {
          throw withoutSecrets(asStepError(error));
        }
      },
      this.retryPolicy as RunOptions<T>,
    );
  }
}

function isHttpUrl(config: MCPClientConfig): boolean {
  const url = (config.transport as { url?: unknown }).url;
  try {
    return ["http:", "https:"].includes(new URL(String(url)).protocol);
  } catch {
    return false;
  }
}

function asStepError(error: unknown): unknown {
  if (isTerminalError(error) || !MCPClientError.isInstance(error)) return error;
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && (status === 408 || status === 429 || status >= 500)) return error;
  return new TerminalError(`${error.name}: ${error.message}`, {
    ...(status === undefined ? {} : { metadata: { status: String(status) } }),
  });
}
