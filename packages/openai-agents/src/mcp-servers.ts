/**
 * MCP servers of durable runs (`agent.mcpServers`) with journaled tool listings and tool calls.
 *
 * Inside a durable run every `listTools` and every tool call is a journal entry
 * (`mcp <server>: list tools`, `mcp <server>: tool <name>`): a replay gets the same tools and never
 * calls a tool again whose call completed. The SDK's tool-list caches (`cacheToolsList`) are off
 * in durable runs, as a cache that is warm in one attempt and cold in the next would change the
 * number of entries. The server connects lazily, inside the first journaled call that runs live,
 * if nobody connected it: a replay whose MCP calls are all journaled needs no server. Failures a
 * retry cannot fix are `TerminalError`s (see the core's `mcp-failures.ts`); a cancellation or
 * suspension during a call ends the run. Outside durable runs the server behaves as written.
 * Servers are changed in place, once.
 */
import type { MCPServer } from "@openai/agents";
import { classifyMcpFailure } from "@restate-ai/core";
import type { RunOptions } from "@restatedev/restate-sdk";
import { currentScope, type DurableScope, stepOf } from "./durable-scope.js";

const DURABLE = Symbol.for("@restate-ai/openai-agents/durable-mcp-server");

type CallArgs = Parameters<MCPServer["callTool"]>;
type Server = MCPServer & { [DURABLE]?: true };

/** Makes `server` journal its listings and tool calls in durable runs (idempotent). */
export function durableMcpServer<S extends MCPServer>(server: S): S {
  const target = server as Server;
  if (target[DURABLE]) return server;
  const listTools = server.listTools.bind(server);
  const callToolResult = server.callToolResult?.bind(server);
  const callTool = server.callTool.bind(server);
  const connect = server.connect.bind(server);
  let cacheToolsList = server.cacheToolsList;
  const journaled = <T>(scope: DurableScope, what: string, call: () => Promise<T>) =>
    stepOf(scope, () =>
      scope.ctx.run(
        `mcp ${server.name}: ${what}`,
        async () => {
          try {
            return await connectedCall(connect, call);
          } catch (error) {
            throw classifyMcpFailure(error);
          }
        },
        scope.settings.runOptions as RunOptions<T>,
      ),
    );
  Object.defineProperties(server, {
    [DURABLE]: { value: true },
    cacheToolsList: {
      configurable: true,
      enumerable: true,
      get: () => (currentScope() === undefined ? cacheToolsList : false),
      set: (value: boolean) => {
        cacheToolsList = value;
      },
    },
    listTools: {
      configurable: true,
      writable: true,
      value: () => {
        const scope = currentScope();
        return scope === undefined ? listTools() : journaled(scope, "list tools", listTools);
      },
    },
    callTool: {
      configurable: true,
      writable: true,
      value: (...args: CallArgs) => {
        const scope = currentScope();
        if (scope === undefined) return callTool(...args);
        const call = callToolResult
          ? async () => (await callToolResult(...args)).content
          : () => callTool(...args);
        return journaled(scope, `tool ${args[0]}`, call);
      },
    },
    ...(callToolResult === undefined
      ? {}
      : {
          callToolResult: {
            configurable: true,
            writable: true,
            value: (...args: CallArgs) => {
              const scope = currentScope();
              if (scope === undefined) return callToolResult(...args);
              return journaled(scope, `tool ${args[0]}`, () => callToolResult(...args));
            },
          },
        }),
  });
  return server;
}

/** Runs `call`, connecting the server first when it says nobody did. */
async function connectedCall<T>(connect: () => Promise<void>, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!/not initialized|call connect\(\)/i.test(String((error as Error)?.message))) throw error;
    await connect();
    return call();
  }
}
