/**
 * Tool approvals (`needsApproval`) resolved through Restate.
 *
 * A run that needs approvals stops with interruptions. Each one gets an awakeable (or a workflow
 * promise), handed to `onRequest` once; the run waits, suspended, until every reviewer answered
 * (or the timeout denied), then approves or rejects the calls and continues. Everything is keyed on
 * the tool call id the model chose, which is journaled.
 */
import type { Agent, RunResult, RunState, RunToolApprovalItem } from "@openai/agents";
import { type ApprovalOptions, awaitApproval } from "@restate-ai/core";
import type { Context } from "@restatedev/restate-sdk";

/**
 * Asks reviewers about every interruption of a run at once, waits for all answers, and records
 * them in the run's state; continue with `runner.run(agent, state)`. `DurableRunner` does this for
 * you when given `approvals`.
 */
// biome-ignore lint/suspicious/noExplicitAny: agents of any output type
export async function resolveApprovals<TContext, TAgent extends Agent<TContext, any>>(
  ctx: Context,
  result: RunResult<TContext, TAgent>,
  options: ApprovalOptions,
): Promise<RunState<TContext, TAgent>> {
  const { state, interruptions } = result;
  const decisions = await Promise.all(
    interruptions.map((item) => awaitApproval(ctx, subjectOf(item), options)),
  );
  interruptions.forEach((item, index) => {
    const decision = decisions[index];
    if (decision?.approved) state.approve(item);
    else state.reject(item, decision?.reason === undefined ? {} : { message: decision.reason });
  });
  return state;
}

function subjectOf(item: RunToolApprovalItem) {
  const raw = item.rawItem as { callId?: string; id?: string };
  const toolCallId = raw.callId ?? raw.id;
  if (toolCallId === undefined) throw new Error(`approval item of ${item.name} has no call id`);
  return { toolCallId, toolName: item.name ?? "tool", input: parseArguments(item.arguments) };
}

function parseArguments(args: string | undefined): unknown {
  if (args === undefined) return undefined;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}
