/**
 * Helpers to stop an agent when one of its tools failed with a Restate `TerminalError`.
 *
 * By default the AI SDK shows a tool's error to the model as text and carries on. A terminal
 * error (e.g. a payment that was declined for good) usually means the agent must stop.
 */
import { isTerminalError } from "@restate-ai/core";
import type { TerminalError } from "@restatedev/restate-sdk";
import type { StepResult, ToolSet } from "ai";

function firstTerminalToolError<TOOLS extends ToolSet>(
  step: StepResult<TOOLS>,
): TerminalError | undefined {
  for (const part of step.content) {
    if (part.type === "tool-error" && isTerminalError(part.error)) return part.error;
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

/** Throws the first `TerminalError` a tool of this step failed with. */
export const rethrowTerminalToolError = <TOOLS extends ToolSet>(step: StepResult<TOOLS>): void => {
  const error = firstTerminalToolError(step);
  if (error !== undefined) throw error;
};
