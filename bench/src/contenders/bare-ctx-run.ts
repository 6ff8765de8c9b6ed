/**
 * bare ctx.run: the physical limit of a durable step. Per step, one `ctx.run` journals what the
 * model decided (the scripted step, the same content the agents get) and one journals the tool's
 * result; no agent SDK, no middleware.
 */
import * as restate from "@restatedev/restate-sdk";
import { type AgentInput, lookup, scriptedStep, traceAttemptStart } from "../scripted-step.ts";

export const services = [
  restate.service({
    name: "BenchBare",
    handlers: {
      run: async (ctx: restate.Context, { steps, latencyMs }: AgentInput) => {
        traceAttemptStart(ctx.request().id);
        for (let k = 0; k < steps; k++) {
          await ctx.run("model", () => scriptedStep(k, latencyMs));
          await ctx.run("lookup", () => lookup(k));
        }
        return steps;
      },
    },
  }),
];
