/**
 * Checks `durableCalls` runs around every model call, so that an agent loop that must end never
 * calls the model again, and a loop that could mismatch its journal on replay fails loudly.
 *
 * Before a call:
 * - a pending abort (a tool that was cancelled, a requested rethrow...) is thrown instead;
 * - a tool error that `rethrowTerminalToolError` asked to rethrow is thrown instead of being shown
 *   to the model;
 * - for tools not wrapped with `durableTools`, the AI SDK turned a cancelled tool into the error
 *   text "CancelledError: Cancelled" (Restate's `CancelledError`): the loop ends with a
 *   `CancelledError`. Only tool calls of this attempt are considered, never older history.
 * After a call:
 * - a response with several client tool calls of tools that `durableTools` does not serialise gets
 *   a warning (once per attempt, not repeated on replay): if those tools have an `execute`, the AI
 *   SDK runs them concurrently, so their Restate operations could be journaled in another order on
 *   replay. It cannot be an error: a model middleware cannot tell tools the SDK executes from tools
 *   declared without `execute` and run by hand (e.g. a manual agent loop with `RestatePromise.all`).
 */
import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { Turnstile } from "@restate-ai/core";
import { CancelledError } from "@restatedev/restate-sdk";
import { abortLoop, type LoopState } from "./loop-state.js";
import { takeRequestedRethrow } from "./terminal-tool-errors.js";

/** A tool call as it appears in generate results and stream parts. */
export interface ModelToolCall {
  type: string;
  toolCallId?: string;
  toolName?: string;
  providerExecuted?: boolean;
}

const cancelled = new CancelledError();
/** How the AI SDK shows a `CancelledError` to the model (`name: message`, or the bare message). */
const CANCELLED_TEXTS = new Set([`${cancelled.name}: ${cancelled.message}`, cancelled.message]);

export function beforeModelCall(state: LoopState, prompt: LanguageModelV4Prompt): void {
  if (state.abort === undefined) {
    for (const message of prompt) {
      if (message.role !== "tool") continue;
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const rethrow = takeRequestedRethrow(part.toolCallId);
        if (rethrow !== undefined) abortLoop(state, rethrow);
        const toolName = state.pendingToolCalls.get(part.toolCallId)?.toolName;
        if (toolName === undefined) continue;
        state.pendingToolCalls.delete(part.toolCallId);
        const output = part.output;
        if (
          !state.wrappedTools.has(toolName) &&
          output.type === "error-text" &&
          CANCELLED_TEXTS.has(output.value)
        ) {
          abortLoop(state, new CancelledError());
        }
      }
    }
  }
  if (state.abort !== undefined) throw state.abort.error;
}

export function afterModelCall(
  state: LoopState,
  content: readonly ModelToolCall[],
  warn: (message: string) => void,
): void {
  const calls = content.filter(
    (part) => part.type === "tool-call" && part.providerExecuted !== true,
  );
  const turnstile = new Turnstile();
  for (const call of calls) {
    if (call.toolCallId !== undefined && call.toolName !== undefined) {
      state.pendingToolCalls.set(call.toolCallId, { toolName: call.toolName, turnstile });
    }
  }
  const unordered = calls.filter((call) => !state.wrappedTools.has(call.toolName ?? ""));
  if (calls.length > 1 && unordered.length > 0 && !state.warnedUnordered) {
    state.warnedUnordered = true;
    const names = calls.map((call) => call.toolName).join(", ");
    warn(
      `The model called ${calls.length} tools in one step (${names}), and ${unordered
        .map((call) => call.toolName)
        .join(
          ", ",
        )} ${unordered.length === 1 ? "is" : "are"} not wrapped with durableTools(ctx, tools). ` +
        "If the AI SDK executes them, it runs them concurrently, and their Restate operations could be journaled in a different order on replay (journal mismatch). " +
        "Pass `tools: durableTools(ctx, tools)`, or disable parallel tool calls (e.g. providerOptions: { openai: { parallelToolCalls: false } }).",
    );
  }
}
