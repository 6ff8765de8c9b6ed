/**
 * The rest of the `Runner` API in durable runs: MCP servers of agents, the SDK's default OpenAI
 * client and key, lifecycle events (`runner.on`), and agents without a model name.
 * `DEFAULT_CLIENT_KEY` / `DEFAULT_KEY` make this process set `setDefaultOpenAIClient` (a client
 * that would retry 5 times) / `setDefaultOpenAIKey`.
 */
import {
  Agent,
  MCPServerStreamableHttp,
  setDefaultOpenAIClient,
  setDefaultOpenAIKey,
} from "@openai/agents";
import {
  DurableRunner,
  type DurableRunnerConfig,
  durableTool,
  restateContext,
} from "@restate-ai/openai-agents";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import * as restate from "@restatedev/restate-sdk";
import OpenAI from "openai";
import { z } from "zod";

if (process.env.DEFAULT_CLIENT_KEY) {
  setDefaultOpenAIClient(new OpenAI({ apiKey: process.env.DEFAULT_CLIENT_KEY, maxRetries: 5 }));
}
if (process.env.DEFAULT_KEY) setDefaultOpenAIKey(process.env.DEFAULT_KEY);

const retry: DurableRunnerConfig = { maxRetryAttempts: 3, initialRetryInterval: 100 };

/** Not connected: a durable run connects when a live call needs the server. */
const calculator = new MCPServerStreamableHttp({
  url: String(process.env.MCP_URL),
  name: "calculator",
});

const mathAgent = new Agent({
  name: "MathAgent",
  instructions: "You add numbers with the calculator.",
  model: "gpt-4o",
  mcpServers: [calculator],
});

const recordStep = durableTool({
  name: "record_step",
  description: "Record a step.",
  parameters: z.object({ step: z.number() }),
  execute: ({ step }) =>
    restateContext().run(`record step ${step}`, () => recordEffect("step", { step })),
});

const stepAgent = new Agent({
  name: "StepAgent",
  instructions: "You record steps.",
  model: "gpt-4o",
  tools: [recordStep],
});

/** No model name: the SDK's default model. */
const unnamedModelAgent = new Agent({ name: "DefaultModelAgent", instructions: "You answer." });

export const runnerApi = restate.service({
  name: "runnerApi",
  handlers: {
    mcp: async (ctx: restate.Context, prompt: string) =>
      (await new DurableRunner(ctx, retry).run(mathAgent, prompt)).finalOutput,
    /** Lifecycle events fire again on replay; their side effect is journaled after the run. */
    hooks: async (ctx: restate.Context, prompt: string) => {
      const runner = new DurableRunner(ctx, retry);
      const started: string[] = [];
      runner.on("agent_start", (_context, agent) => {
        started.push(agent.name);
        void recordEffect("hook fired", { agent: agent.name });
      });
      const result = await runner.run(stepAgent, prompt);
      await ctx.run("report the agents that started", () =>
        recordEffect("hook reported", { started }),
      );
      return result.finalOutput;
    },
    defaultModel: async (ctx: restate.Context, prompt: string) =>
      (await new DurableRunner(ctx, retry).run(unnamedModelAgent, prompt)).finalOutput,
  },
});

export const services = [runnerApi];
