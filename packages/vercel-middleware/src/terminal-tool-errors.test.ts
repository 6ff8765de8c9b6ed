import { textResult, toolCallResult } from "@restate-ai/test-harness";
import { TerminalError } from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  getTerminalToolSteps,
  hasTerminalToolError,
  rethrowTerminalToolError,
} from "./terminal-tool-errors.js";

/** A TerminalError thrown by another copy of the Restate SDK (e.g. the Workers build). */
class ForeignTerminalError extends Error {
  override name = "TerminalError";
  code = 500;
}

function agentSteps(failure: Error) {
  return generateText({
    model: new MockLanguageModelV4({
      doGenerate: [
        toolCallResult([{ name: "charge", input: { amount: 10 } }]),
        toolCallResult([{ name: "lookup", input: { id: 1 } }]),
        textResult("done"),
      ],
    }),
    prompt: "go",
    stopWhen: stepCountIs(5),
    tools: {
      charge: tool({
        inputSchema: z.object({ amount: z.number() }),
        execute: async (): Promise<string> => {
          throw failure;
        },
      }),
      lookup: tool({
        inputSchema: z.object({ id: z.number() }),
        execute: async (): Promise<string> => {
          throw new Error("not found");
        },
      }),
    },
  });
}

describe("terminal tool error helpers", () => {
  it("find the steps whose tools failed with a TerminalError", async () => {
    const { steps } = await agentSteps(new TerminalError("card declined"));
    expect(getTerminalToolSteps(steps)).toEqual([steps[0]]);
    expect(hasTerminalToolError({ steps })).toBe(true);
    expect(hasTerminalToolError({ steps: steps.slice(1) })).toBe(false);
  });

  it("rethrow the step's TerminalError", async () => {
    const { steps } = await agentSteps(new TerminalError("card declined"));
    expect(() => rethrowTerminalToolError(steps[0] as (typeof steps)[0])).toThrow("card declined");
    expect(() => rethrowTerminalToolError(steps[1] as (typeof steps)[0])).not.toThrow();
  });

  it("recognise terminal errors of another SDK copy by name and code", async () => {
    const { steps } = await agentSteps(new ForeignTerminalError("declined elsewhere"));
    expect(getTerminalToolSteps(steps)).toHaveLength(1);
  });
});
