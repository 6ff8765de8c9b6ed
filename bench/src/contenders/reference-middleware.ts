/**
 * The official `@restatedev/vercel-ai-middleware` 0.4.0, used as its README shows: the model
 * wrapped with its `durableCalls`, the tool's work in `ctx.run`. It does not journal streams, so
 * it runs `generateText` only.
 */
import * as restate from "@restatedev/restate-sdk";
import { durableCalls } from "@restatedev/vercel-ai-middleware";
import { wrapLanguageModel } from "ai";
import { ScriptedLanguageModel } from "../scripted-model.ts";
import { type AgentInput, lookup, traceAttemptStart } from "../scripted-step.ts";
import { lookupTool, runAiSdkAgent } from "./ai-sdk-agent.ts";

export const services = [
  restate.service({
    name: "BenchReference",
    handlers: {
      run: async (ctx: restate.Context, { steps, latencyMs }: AgentInput) => {
        traceAttemptStart(ctx.request().id);
        const model = wrapLanguageModel({
          model: new ScriptedLanguageModel(latencyMs),
          middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
        });
        const tools = { lookup: lookupTool((step) => ctx.run("lookup", () => lookup(step))) };
        return runAiSdkAgent({ model, tools, steps, stream: false });
      },
    },
  }),
];
