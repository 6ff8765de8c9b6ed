/**
 * Helpers to stop an agent when one of its tools failed with a Restate `TerminalError`.
 *
 * By default the AI SDK shows a tool's error to the model as text and carries on. A terminal
 * error (e.g. a payment that was declined for good) usually means the agent must stop.
 *
 * The AI SDK swallows errors thrown by `onStepFinish`, so `rethrowTerminalToolError` also records
 * the error by tool call id: the `durableCalls` middleware throws it from the next model call,
 * which would otherwise show it to the model. The record is bounded: one never claimed (the failing
 * step was the last the loop ran) is eventually dropped.
 */
import { isTerminalError } from "@restate-ai/core";
import type { TerminalError } from "@restatedev/restate-sdk";
import type { StepResult, ToolSet } from "ai";

const MAX_REQUESTED_RETHROWS = 1024;
const requestedRethrows = new Map<string, TerminalError>();

/** Claims the rethrow requested for a tool call, if any. */
export function takeRequestedRethrow(toolCallId: string): TerminalError | undefined {
  const error = requestedRethrows.get(toolCallId);
  requestedRethrows.delete(toolCallId);
  return error;
}

function firstTerminalToolError<TOOLS extends ToolSet>(
  step: StepResult<TOOLS>,
): { toolCallId: string; error: TerminalError } | undefined {
  for (const part of step.content) {
    if (part.type === "tool-error" && isTerminalError(part.error)) {
      return { toolCallId: part.toolCallId, error: part.error };
    }
  }
  return undefined;
}

/** The steps in which at least one tool failed with a `TerminalError`. */
export const getTerminalToolSteps = <TOOLS extends ToolSet>(
  steps: StepResult<TOOLS>[],
): StepResult<TOOLS>[] => steps.filter((step) => firstTerminalToolError(step) !== undefined);

/**
 * Stop condition: `stopWhen: [stepCountIs(10), hasTerminalToolError]` ends the loop after the
 * first step in which a tool failed with a `TerminalError`.
 */
export const hasTerminalToolError = <TOOLS extends ToolSet>({
  steps,
}: {
  steps: StepResult<TOOLS>[];
}): boolean => steps.some((step) => firstTerminalToolError(step) !== undefined);

/**
 * Throws the first `TerminalError` a tool of this step failed with. As
 * `onStepFinish: rethrowTerminalToolError`, the `generateText`/`streamText` call rejects with that
 * error instead of showing it to the model, and the model is not called again.
 */
export const rethrowTerminalToolError = <TOOLS extends ToolSet>(step: StepResult<TOOLS>): void => {
  const failure = firstTerminalToolError(step);
  if (failure === undefined) return;
  requestedRethrows.set(failure.toolCallId, failure.error);
  if (requestedRethrows.size > MAX_REQUESTED_RETHROWS) {
    const oldest = requestedRethrows.keys().next().value;
    if (oldest !== undefined) requestedRethrows.delete(oldest);
  }
  throw failure.error;
};
