/**
 * `@restate-ai/openai-agents`: the bench agent run by `DurableRunner`, its tool a `durableTool`
 * whose work is a `ctx.run` step.
 */
import { DurableRunner, durableTool, restateContext } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { z } from "zod";
import { type AgentInput, lookup, traceAttemptStart } from "../scripted-step.ts";
import { benchAgent, prompt } from "./agents-sdk-agent.ts";

const lookupTool = durableTool({
  name: "lookup",
  description: "Look up the record of a step.",
  parameters: z.object({ step: z.number() }),
  execute: ({ step }) => restateContext().run("lookup", () => lookup(step)),
});

/** The service, named `BenchAgentsDurable<suffix>`. */
export function ourAgentsRunnerServices(suffix = "") {
  return [
    restate.service({
      name: `BenchAgentsDurable${suffix}`,
      handlers: {
        run: async (ctx: restate.Context, { steps, latencyMs }: AgentInput) => {
          traceAttemptStart(ctx.request().id);
          const runner = new DurableRunner(ctx, { maxRetryAttempts: 3 });
          const result = await runner.run(benchAgent(lookupTool, steps, latencyMs), prompt, {
            maxTurns: steps + 1,
          });
          return Number(result.finalOutput);
        },
      },
    }),
  ];
}

export const services = ourAgentsRunnerServices();
