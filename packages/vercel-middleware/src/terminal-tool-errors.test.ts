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
  takeRequestedRethrow,
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

  it("record a rethrow for the next model call to claim, once", async () => {
    const declined = new TerminalError("card declined");
    const { steps } = await agentSteps(declined);
    const step = steps[0] as (typeof steps)[0];
    expect(() => rethrowTerminalToolError(step)).toThrow(declined);
    expect(takeRequestedRethrow("call-0")).toBe(declined);
    expect(takeRequestedRethrow("call-0")).toBeUndefined();
  });

  it("keep a bounded number of unclaimed rethrows", async () => {
    const { steps } = await agentSteps(new TerminalError("card declined"));
    const step = steps[0] as (typeof steps)[0];
    const part = step.content.find((p) => p.type === "tool-error");
    if (part?.type !== "tool-error") throw new Error("no tool error");
    for (let i = 0; i < 1100; i++) {
      part.toolCallId = `flood-${i}`;
      expect(() => rethrowTerminalToolError(step)).toThrow();
    }
    expect(takeRequestedRethrow("flood-0")).toBeUndefined();
    expect(takeRequestedRethrow("flood-1099")).toBeDefined();
  });
});
