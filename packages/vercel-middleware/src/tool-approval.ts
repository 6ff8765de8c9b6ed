/**
 * `durableApproval`: an AI SDK `toolApproval` function backed by Restate.
 *
 * Each tool call that needs approval creates an awakeable (or, in a workflow, a durable promise
 * named `approval-<toolCallId>`), hands it to `onRequest` once, and waits, suspended, for the
 * reviewer's answer. An optional timeout denies the call with the reason "timed out"; it is a
 * durable timer, so a restart keeps the original deadline.
 */
import { type ApprovalOptions, awaitApproval } from "@restate-ai/core";
import type { Context } from "@restatedev/restate-sdk";
import type { ToolApprovalStatus, ToolSet, TypedToolCall } from "ai";

export interface DurableApprovalOptions extends ApprovalOptions {
  /** Names of the tools that need approval. Default: every tool. */
  tools?: string[];
}

/**
 * Returns a `toolApproval` function for `generateText`/`streamText`/`ToolLoopAgent`:
 *
 * ```ts
 * toolApproval: durableApproval(ctx, {
 *   tools: ["bookFlight"],
 *   timeout: { hours: 24 },
 *   onRequest: ({ awakeableId, toolName, input }) => notifyReviewer(awakeableId, toolName, input),
 * }),
 * ```
 *
 * The reviewer answers by resolving the awakeable with `true`, `false` or
 * `{ "approved": boolean, "reason": "..." }`; a denial reaches the model as the tool's result.
 */
export function durableApproval<TOOLS extends ToolSet>(
  ctx: Context,
  options: DurableApprovalOptions,
): (request: { toolCall: TypedToolCall<TOOLS> }) => Promise<ToolApprovalStatus> {
  return async ({ toolCall }) => {
    if (options.tools !== undefined && !options.tools.includes(toolCall.toolName)) {
      return "not-applicable";
    }
    const decision = await awaitApproval(
      ctx,
      { toolCallId: toolCall.toolCallId, toolName: toolCall.toolName, input: toolCall.input },
      options,
    );
    if (decision.approved) {
      return decision.reason === undefined
        ? "approved"
        : { type: "approved", reason: decision.reason };
    }
    return { type: "denied", reason: decision.reason ?? "denied by the reviewer" };
  };
}
