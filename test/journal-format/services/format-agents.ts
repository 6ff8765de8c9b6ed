/**
 * Agents of both SDKs, generate and stream, that suspend on a human approval inside a tool. With
 * `JOURNAL_FORMAT=1` their model calls are journaled with SuperJSON, as releases before journal
 * format 2 wrote them; without it, in the default format — where a test upgrades the service.
 */
import { openai } from "@ai-sdk/openai";
import { Agent } from "@openai/agents";
import { DurableRunner, durableTool, restateContext } from "@restate-ai/openai-agents";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import { durableCalls, superJson } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, streamText, tool, wrapLanguageModel } from "ai";
import { z } from "zod";

const formatOne = process.env.JOURNAL_FORMAT === "1" ? { serde: superJson } : {};
const retry = { maxRetryAttempts: 3, initialRetryInterval: 100 };

async function askReviewer(ctx: restate.Context, key: string, claim: string) {
  const approval = ctx.awakeable<boolean>();
  await ctx.run("notify reviewer", () =>
    recordEffect("review requested", { key, claim, awakeableId: approval.id }),
  );
  return (await approval.promise) ? "approved" : "denied";
}

const vercelRun =
  (stream: boolean) =>
  async (ctx: restate.Context, { key, prompt }: { key: string; prompt: string }) => {
    const settings = {
      model: wrapLanguageModel({
        model: openai("gpt-4o"),
        middleware: durableCalls(ctx, { ...retry, ...formatOne }),
      }),
      maxRetries: 0,
      prompt,
      stopWhen: stepCountIs(5),
      tools: {
        lookup: tool({
          description: "Look up a claim.",
          inputSchema: z.object({ claim: z.string() }),
          execute: async ({ claim }) =>
            ctx.run("lookup", () => recordEffect("lookup", { key, claim })).then(() => "on file"),
        }),
        askReviewer: tool({
          description: "Ask a human reviewer to approve the claim.",
          inputSchema: z.object({ claim: z.string() }),
          execute: ({ claim }) => askReviewer(ctx, key, claim),
        }),
      },
    };
    if (!stream) return (await generateText(settings)).text;
    const result = streamText(settings);
    await result.consumeStream();
    return await result.text;
  };

const reviewedAgent = (key: string) =>
  new Agent({
    name: "Claims",
    instructions: "Process the claim.",
    model: "gpt-4o",
    tools: [
      durableTool({
        name: "lookup",
        description: "Look up a claim.",
        parameters: z.object({ claim: z.string() }),
        execute: async ({ claim }) =>
          restateContext()
            .run("lookup", () => recordEffect("lookup", { key, claim }))
            .then(() => "on file"),
      }),
      durableTool({
        name: "askReviewer",
        description: "Ask a human reviewer to approve the claim.",
        parameters: z.object({ claim: z.string() }),
        execute: ({ claim }) => askReviewer(restateContext(), key, claim),
      }),
    ],
  });

const agentsRun =
  (stream: boolean) =>
  async (ctx: restate.Context, { key, prompt }: { key: string; prompt: string }) => {
    const runner = new DurableRunner(ctx, { ...retry, ...formatOne });
    const agent = reviewedAgent(key);
    if (!stream) return String((await runner.run(agent, prompt)).finalOutput);
    const result = await runner.run(agent, prompt, { stream: true });
    await result.completed;
    return String(result.finalOutput);
  };

export const services = [
  restate.service({
    name: "formatAgents",
    handlers: {
      vercelGenerate: vercelRun(false),
      vercelStream: vercelRun(true),
      agentsGenerate: agentsRun(false),
      agentsStream: agentsRun(true),
    },
  }),
];
