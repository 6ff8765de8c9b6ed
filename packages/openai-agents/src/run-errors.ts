/**
 * The error a durable run surfaces: the Restate error inside the Agents SDK's wrappers.
 *
 * The SDK wraps a tool's error in a `ToolCallError`, and an aborted run rejects with its signal's
 * reason. A handler must see the `CancelledError` or `TerminalError` itself, so Restate ends the
 * invocation the right way (cancelled, failed) instead of retrying it.
 */
import { ToolCallError } from "@openai/agents";
import { isRestateControlError, isTerminalError } from "@restate-ai/core";
import { DurableRunAborted } from "./durable-scope.js";

export function unwrapRunError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 8; depth++) {
    if (current instanceof DurableRunAborted) current = current.error;
    else if (current instanceof ToolCallError) current = current.error;
    else break;
  }
  return isTerminalError(current) || isRestateControlError(current) ? current : error;
}
