/**
 * The smallest durable adapter one could write: `ctx.run` around `doGenerate`, around a
 * `doStream` consumed whole and then replayed, and around the Agents SDK's `getResponse`. No live
 * streaming, ordering of tool calls, failure handling or size limits: not a product, but what any
 * durable adapter pays for journaling through the Restate SDK inside the agent SDK's loop. The
 * bench reports ours against it as well as against bare ctx.run plus the SDK alone.
 */
import {
  tool as agentsTool,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  type StreamEvent,
  Usage,
} from "@openai/agents";
import * as restate from "@restatedev/restate-sdk";
import { type LanguageModelMiddleware, wrapLanguageModel } from "ai";
import { z } from "zod";
import { ScriptedAgentsModel } from "../scripted-agents-model.ts";
import { ScriptedLanguageModel } from "../scripted-model.ts";
import { type AgentInput, lookup, traceAttemptStart } from "../scripted-step.ts";
import { benchAgent, prompt } from "./agents-sdk-agent.ts";
import { lookupTool, runAiSdkAgent } from "./ai-sdk-agent.ts";

function minimalMiddleware(ctx: restate.Context): LanguageModelMiddleware {
  return {
    specificationVersion: "v4",
    wrapGenerate: async ({ doGenerate }) =>
      (await ctx.run("generate", async () => await doGenerate())) as never,
    wrapStream: async ({ doStream }) => {
      const parts = await ctx.run("stream", async () => {
        const { stream } = await doStream();
        const all: unknown[] = [];
        for await (const part of stream as unknown as AsyncIterable<unknown>) all.push(part);
        return all;
      });
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const part of parts) controller.enqueue(part as never);
            controller.close();
          },
        }),
      };
    },
  };
}

class MinimalDurableModel implements Model {
  private readonly ctx: restate.Context;
  private readonly inner: Model;

  constructor(ctx: restate.Context, inner: Model) {
    this.ctx = ctx;
    this.inner = inner;
  }
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const response = await this.ctx.run("model", async () => {
      const { usage, ...rest } = await this.inner.getResponse(request);
      return { ...rest, usage: { ...usage } };
    });
    return { ...response, usage: new Usage(response.usage) } as ModelResponse;
  }
  getStreamedResponse(): AsyncIterable<StreamEvent> {
    throw new Error("the minimal adapter does not stream");
  }
}

const aiSdk = (stream: boolean) => (ctx: restate.Context, input: AgentInput) => {
  traceAttemptStart(ctx.request().id);
  return runAiSdkAgent({
    model: wrapLanguageModel({
      model: new ScriptedLanguageModel(input.latencyMs),
      middleware: minimalMiddleware(ctx),
    }),
    tools: { lookup: lookupTool((step) => ctx.run("lookup", () => lookup(step))) },
    steps: input.steps,
    stream,
  });
};

const runner = new Runner({ tracingDisabled: true });

const agents = async (ctx: restate.Context, { steps, latencyMs }: AgentInput) => {
  traceAttemptStart(ctx.request().id);
  const work = agentsTool({
    name: "lookup",
    description: "Look up the record of a step.",
    parameters: z.object({ step: z.number() }),
    execute: ({ step }) => ctx.run("lookup", () => lookup(step)),
  });
  const model = new MinimalDurableModel(ctx, new ScriptedAgentsModel(latencyMs));
  const result = await runner.run(benchAgent(work, steps, model), prompt, { maxTurns: steps + 1 });
  return Number(result.finalOutput);
};

export const services = [
  restate.service({ name: "BenchMinimalGenerate", handlers: { run: aiSdk(false) } }),
  restate.service({ name: "BenchMinimalStream", handlers: { run: aiSdk(true) } }),
  restate.service({ name: "BenchMinimalAgents", handlers: { run: agents } }),
];
