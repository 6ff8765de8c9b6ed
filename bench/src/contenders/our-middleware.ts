/**
 * `@restate-ai/vercel-middleware` as its README shows: `durableCalls` on the model, the tools
 * through `durableTools`, the tool's work in `ctx.run`; with `generateText` and `streamText`.
 */
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { wrapLanguageModel } from "ai";
import { ScriptedLanguageModel } from "../scripted-model.ts";
import { type AgentInput, lookup, traceAttemptStart } from "../scripted-step.ts";
import { lookupTool, runAiSdkAgent } from "./ai-sdk-agent.ts";

const agent = (stream: boolean) => async (ctx: restate.Context, input: AgentInput) => {
  traceAttemptStart(ctx.request().id);
  const model = wrapLanguageModel({
    model: new ScriptedLanguageModel(input.latencyMs),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  const tools = durableTools(ctx, {
    lookup: lookupTool((step) => ctx.run("lookup", () => lookup(step))),
  });
  return runAiSdkAgent({ model, tools, steps: input.steps, stream });
};

/** The two services, named `BenchOursGenerate<suffix>` and `BenchOursStream<suffix>`. */
export function ourMiddlewareServices(suffix = "") {
  return [
    restate.service({ name: `BenchOursGenerate${suffix}`, handlers: { run: agent(false) } }),
    restate.service({ name: `BenchOursStream${suffix}`, handlers: { run: agent(true) } }),
  ];
}

export const services = ourMiddlewareServices();
