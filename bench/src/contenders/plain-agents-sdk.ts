/**
 * plain: the Agents SDK's own `run()` with no Restate (tracing off, as in the durable runner).
 */
import { Runner, tool } from "@openai/agents";
import { z } from "zod";
import { type AgentInput, lookup } from "../scripted-step.ts";
import { benchAgent, prompt } from "./agents-sdk-agent.ts";

const lookupTool = tool({
  name: "lookup",
  description: "Look up the record of a step.",
  parameters: z.object({ step: z.number() }),
  execute: ({ step }) => lookup(step),
});

const runner = new Runner({ tracingDisabled: true });

export const handlers = {
  run: async ({ steps, latencyMs }: AgentInput) => {
    const result = await runner.run(benchAgent(lookupTool, steps, latencyMs), prompt, {
      maxTurns: steps + 1,
    });
    return Number(result.finalOutput);
  },
};
