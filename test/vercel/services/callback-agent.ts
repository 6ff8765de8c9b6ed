/**
 * An agent whose `onStepFinish` and `onFinish` callbacks report side effects two ways: directly
 * (re-run on every replay) and inside `ctx.run` (the safe pattern: once per step).
 */
import { openai } from "@ai-sdk/openai";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, streamText, tool, wrapLanguageModel } from "ai";
import { z } from "zod";

export const callbackAgent = restate.service({
  name: "callbackAgent",
  handlers: {
    run: async (ctx: restate.Context, { stream }: { stream: boolean }) => {
      const settings = {
        model: wrapLanguageModel({
          model: openai("gpt-4o"),
          middleware: durableCalls(ctx, { maxRetryAttempts: 3, initialRetryInterval: 100 }),
        }),
        maxRetries: 0,
        prompt: "Do steps 1 and 2.",
        stopWhen: stepCountIs(5),
        tools: durableTools(ctx, {
          doStep: tool({
            inputSchema: z.object({ step: z.number() }),
            execute: ({ step }) => ctx.run(`step ${step}`, () => recordEffect("tool", { step })),
          }),
        }),
        onStepFinish: async ({ stepNumber }: { stepNumber: number }) => {
          await recordEffect("callback ran", { stepNumber });
          await ctx.run(`notify step ${stepNumber}`, () =>
            recordEffect("step notified", { stepNumber }),
          );
        },
        onFinish: async () => {
          await recordEffect("finish callback ran", {});
          await ctx.run("notify finished", () => recordEffect("finish notified", {}));
        },
      };
      if (!stream) return (await generateText(settings)).text;
      const result = streamText(settings);
      // `text` resolves before streamText calls onFinish: consuming the stream waits for it
      await result.consumeStream();
      return result.text;
    },
  },
});

export const services = [callbackAgent];
