import { TerminalError } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { classifyMcpFailure } from "./mcp-failures.js";

const named = (name: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(String(fields.message ?? name)), { name, ...fields });

class StreamableHTTPError extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`Streamable HTTP error: ${code}`);
    this.code = code;
  }
}

describe("classifyMcpFailure", () => {
  it("makes rejected calls terminal: protocol errors, unknown tools, 4xx", () => {
    const rejected = [
      named("MCPClientError", { message: "Resource memo://missing not found" }),
      named("MCPClientError", { message: "forbidden", statusCode: 403 }),
      named("McpError", { message: "MCP error -32602: invalid params", code: -32602 }),
      new StreamableHTTPError(404),
    ];
    for (const error of rejected) {
      expect(classifyMcpFailure(error), String(error)).toBeInstanceOf(TerminalError);
    }
    const withStatus = classifyMcpFailure(named("MCPClientError", { statusCode: 401 }));
    expect((withStatus as TerminalError).metadata).toEqual({ status: "401" });
  });

  it("leaves what a retry can fix to Restate: 408/429/5xx, closed connections, timeouts", () => {
    const retryable = [
      named("MCPClientError", { statusCode: 503 }),
      named("MCPClientError", { statusCode: 429 }),
      named("McpError", { code: -32001 }),
      named("McpError", { code: -32000 }),
      new StreamableHTTPError(502),
      new TypeError("fetch failed"),
    ];
    for (const error of retryable) {
      const classified = classifyMcpFailure(error) as Error;
      expect(classified).not.toBeInstanceOf(TerminalError);
      expect(classified.message).toBe(error.message);
    }
  });
});
