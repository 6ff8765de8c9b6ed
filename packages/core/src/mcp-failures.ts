/**
 * Decides how a failed MCP call inside a journaled step is retried, for both SDKs' MCP clients.
 *
 * An MCP server that rejected a call (a protocol error, an unknown tool, invalid arguments, a 4xx
 * answer) rejects it again on every retry: that becomes a `TerminalError` at once. What a retry can
 * fix — HTTP 408, 429 and 5xx, a closed connection, a request timeout, a network error — is left to
 * Restate's retry policy. Errors are recognised by shape: the AI SDK's `MCPClientError`
 * (`statusCode`), and `McpError` (JSON-RPC `code`) and `StreamableHTTPError` (HTTP `code`) of the
 * MCP SDK that the Agents SDK uses. Whatever is thrown carries no credentials (an `Authorization`
 * header echoed in a 401, say).
 */
import { TerminalError } from "@restatedev/restate-sdk";
import { isTerminalError } from "./restate-errors.js";
import { withoutSecrets } from "./secret-redaction.js";

/** JSON-RPC codes of the MCP SDK for a closed connection and a request timeout. */
const RETRYABLE_JSON_RPC = new Set([-32000, -32001]);

/** What the step should throw for `error`, raised by an MCP call (credentials removed). */
export function classifyMcpFailure(error: unknown): unknown {
  return withoutSecrets(classify(error));
}

function classify(error: unknown): unknown {
  if (isTerminalError(error) || typeof error !== "object" || error === null) return error;
  const e = error as { name?: unknown; message?: unknown; statusCode?: unknown; code?: unknown };
  const message = String(e.message);
  if (e.name === "MCPClientError") {
    const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
    if (status !== undefined && isRetryableStatus(status)) return error;
    return terminal(`MCPClientError: ${message}`, status);
  }
  if (e.name === "McpError" && typeof e.code === "number") {
    return RETRYABLE_JSON_RPC.has(e.code) ? error : terminal(message);
  }
  const httpError = error.constructor?.name === "StreamableHTTPError";
  if (httpError && typeof e.code === "number") {
    return isRetryableStatus(e.code) || e.code < 0 ? error : terminal(message, e.code);
  }
  return error;
}

function terminal(message: string, status?: number): TerminalError {
  return new TerminalError(message, {
    ...(status === undefined ? {} : { metadata: { status: String(status) } }),
  });
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
