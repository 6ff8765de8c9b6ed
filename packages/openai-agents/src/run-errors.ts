/**
 * The error a durable run surfaces: the Restate error inside the Agents SDK's wrappers, and a
 * `TerminalError` for the SDK's errors that no retry can change.
 *
 * The SDK wraps a tool's error in a `ToolCallError`, and an aborted run rejects with its signal's
 * reason. A handler must see the `CancelledError` or `TerminalError` itself, so Restate ends the
 * invocation the right way (cancelled, failed) instead of retrying it.
 *
 * A retry replays the journaled model responses, so an error the SDK derives from them alone — the
 * model called a tool that does not exist, exceeded the turn limit, refused, tripped a guardrail —
 * would come back on every retry, forever. Those become a `TerminalError` with the SDK's message;
 * errors that may pass (a tool's own failure, a guardrail that crashed, a timeout) stay retryable.
 */
import { ToolCallError } from "@openai/agents";
import { isRestateControlError, isTerminalError } from "@restate-ai/core";
import { TerminalError } from "@restatedev/restate-sdk";
import { DurableRunAborted } from "./durable-scope.js";

const DETERMINISTIC = new Set([
  "MaxTurnsExceededError",
  "ModelRefusalError",
  "ModelBehaviorError",
  "InvalidToolInputError",
  "UserError",
  "InvalidToolOutputError",
  "InputGuardrailTripwireTriggered",
  "OutputGuardrailTripwireTriggered",
  "ToolInputGuardrailTripwireTriggered",
  "ToolOutputGuardrailTripwireTriggered",
]);

export function unwrapRunError(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 8; depth++) {
    if (current instanceof DurableRunAborted) current = current.error;
    else if (current instanceof ToolCallError) current = current.error;
    else break;
  }
  if (isTerminalError(current) || isRestateControlError(current)) return current;
  if (error instanceof Error && DETERMINISTIC.has(error.name)) {
    return new TerminalError(`${error.name}: ${error.message}`);
  }
  return error;
}
