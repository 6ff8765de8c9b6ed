/**
 * Three agents at once from one handler: written as the README shows (`durableCalls` +
 * `durableTools`) and started together with `Promise.all` — which must fail at once — and the
 * supported way, each agent an invocation of its own (`DurableAgent.service`) combined with
 * `RestatePromise.all`.
 */
import { openai } from "@ai-sdk/openai";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import { DurableAgent, durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, streamText, tool, wrapLanguageModel } from "ai";
import { z } from "zod";

const TOPICS = ["eligibility", "rates", "fraud"];
const retry = { maxRetryAttempts: 3, initialRetryInterval: 100 };

const checkTool = (ctx: restate.Context) =>
  tool({
    description: "Check one aspect of the claim.",
    inputSchema: z.object({ topic: z.string() }),
    execute: ({ topic }) =>
      ctx.run(`check ${topic}`, async () => {
        await recordEffect("check", { topic, invocation: ctx.request().id });
        return `${topic} is fine`;
      }),
  });

function settings(ctx: restate.Context, topic: string) {
  return {
    model: wrapLanguageModel({ model: openai("gpt-4o"), middleware: durableCalls(ctx, retry) }),
    maxRetries: 0,
    prompt: `Check the ${topic} of claim C-1.`,
    tools: durableTools(ctx, { check: checkTool(ctx) }),
    stopWhen: stepCountIs(3),
  };
}

const analyst = new DurableAgent({
  model: openai("gpt-4o"),
  instructions: "You check one aspect of an insurance claim.",
  tools: (ctx) => ({ check: checkTool(ctx) }),
  stopWhen: stepCountIs(3),
  durable: retry,
});

export const analystService = analyst.service("analyst");

export const claimReview = restate.service({
  name: "claimReview",
  handlers: {
    /** Not supported: three agent loops on one context. */
    concurrent: async (ctx: restate.Context, { stream }: { stream: boolean }) =>
      Promise.all(
        TOPICS.map(async (topic) => {
          if (!stream) return (await generateText(settings(ctx, topic))).text;
          return streamText(settings(ctx, topic)).text;
        }),
      ),
    /** Supported: each agent an invocation of its own. */
    inParallel: async (ctx: restate.Context) =>
      restate.RestatePromise.all(
        TOPICS.map((topic) =>
          ctx
            .serviceClient(analystService)
            .generate({ prompt: `Check the ${topic} of claim C-1.` }),
        ),
      ),
  },
});

export const services = [claimReview, analystService];
