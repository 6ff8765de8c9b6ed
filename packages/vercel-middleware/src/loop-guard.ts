/**
 * Checks `durableCalls` runs around every model call, so that an agent loop that must end never
 * calls the model again, and a loop that would mismatch its journal on replay fails at once.
 *
 * Before a call:
 * - a pending abort (a tool that was cancelled, a requested rethrow...) is thrown instead;
 * - a tool error that `rethrowTerminalToolError` asked to rethrow is thrown instead of being shown
 *   to the model;
 * - for tools not wrapped with `durableTools`, the AI SDK turned a cancelled tool into the error
 *   text "CancelledError: Cancelled" (Restate's `CancelledError`): the loop ends with a
 *   `CancelledError`. Only tool calls of this attempt are considered, never older history, and
 *   only the results after the last assistant message are read (the earlier ones were before);
 * After a call:
 * - the response's client tool calls are recorded, with one turnstile per response, so their
 *   executions run in the model's order (`durableTools`, `sdk-hooks.ts`);
 * - several such calls that nothing can order (tools not wrapped with `durableTools`, and the
 *   AI SDK's hooks replaced by per-call telemetry integrations) fail with a `TerminalError` that
 *   says how to fix it — unless `parallelToolCalls: "allow"` says the caller runs them itself.
 */
import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { Turnstile } from "@restate-ai/core";
import { CancelledError, TerminalError } from "@restatedev/restate-sdk";
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
    // Only the results after the last assistant message are new: the earlier ones were seen by
    // the previous call of this attempt, or belong to older history. So a step costs the same at
    // step 1000 as at step 1.
    for (let i = prompt.length - 1; i >= 0; i--) {
      const message = prompt[i] as LanguageModelV4Prompt[number];
      if (message.role === "assistant") break;
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

/** The supported way to run agents in parallel, named when several run on one context. */
export const PARALLEL_AGENTS =
  "each agent a DurableAgent.service(name) called with ctx.serviceClient(...).generate(...), see the README: agents in parallel";

/** How `durableCalls` treats parallel tool calls it cannot order (see `DurableCallsOptions`). */
export type ParallelToolCalls = "auto" | "allow";

/**
 * Records the response's client tool calls.
 *
 * @param ordered whether the AI SDK's executions of these calls are ordered by its hooks.
 */
export function afterModelCall(
  state: LoopState,
  content: readonly ModelToolCall[],
  ordered: boolean,
  parallelToolCalls: ParallelToolCalls = "auto",
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
  if (ordered || parallelToolCalls === "allow" || calls.length < 2) return;
  const unordered = distinct(
    calls.map((call) => call.toolName ?? "").filter((name) => !state.wrappedTools.has(name)),
  );
  if (unordered.length === 0) return;
  throw new TerminalError(
    `The model called ${calls.length} tools in one step (${distinct(calls.map((call) => call.toolName ?? "")).join(", ")}), and nothing can run ${unordered.join(", ")} in a fixed order: ` +
      `${unordered.length === 1 ? "it is" : "they are"} not wrapped with durableTools(ctx, tools), and this call's own telemetry integrations (or telemetry.isEnabled: false) replaced the AI SDK hooks that durableCalls orders tool executions with. ` +
      "Run concurrently, their Restate operations could be journaled in another order on replay, and the invocation would retry a journal mismatch forever. " +
      'Fix: pass tools: durableTools(ctx, tools); or register telemetry integrations globally (registerTelemetry) instead of per call; if you run the tool calls yourself (a manual loop with RestatePromise.all) or with toolCallConcurrency: 1, pass durableCalls(ctx, { parallelToolCalls: "allow" }).',
  );
}

function distinct(names: string[]): string[] {
  return [...new Set(names)];
}
