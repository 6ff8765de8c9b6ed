/**
 * The suites' weather agent: the documented shape (`durableCalls` around `openai(...)`, a tool
 * that wraps its side effect in `ctx.run`), talking to the fake OpenAI API, and reporting its side
 * effects to the test's probe.
 */
import { openai } from "@ai-sdk/openai";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import { durableCalls, durableEmbeds } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import {
  embedMany,
  generateText,
  stepCountIs,
  streamText,
  tool,
  wrapEmbeddingModel,
  wrapLanguageModel,
} from "ai";
import { z } from "zod";

const retry = {
  maxRetryAttempts: Number(process.env.MAX_RETRY_ATTEMPTS ?? 3),
  initialRetryInterval: 100,
};
const api = process.env.OPENAI_API_STYLE === "chat" ? "chat" : "responses";

function agentSettings(ctx: restate.Context, prompt: string) {
  return {
    model: wrapLanguageModel({
      model: openai[api]("gpt-4o"),
      middleware: durableCalls(ctx, retry),
    }),
    system: "You are a helpful agent that provides weather updates.",
    prompt,
    maxRetries: 0,
    stopWhen: [stepCountIs(5)],
    tools: {
      getWeather: tool({
        description: "Get the current weather for a given city.",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          const weather = await ctx.run("get weather", async () => {
            await recordEffect("weather", { city });
            return { city, temperature: 21, conditions: "sunny" };
          });
          await recordEffect("weather journaled", { city });
          return weather;
        },
      }),
    },
  };
}

export const agent = restate.service({
  name: "agent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const result = await generateText(agentSettings(ctx, prompt));
      return {
        text: result.text,
        steps: result.steps.map((step) => ({
          timestampIsDate: step.response.timestamp instanceof Date,
          timestamp: step.response.timestamp.toISOString(),
          id: step.response.id,
        })),
      };
    },
    stream: async (ctx: restate.Context, prompt: string) => {
      const result = streamText(agentSettings(ctx, prompt));
      let streamed = "";
      for await (const delta of result.textStream) streamed += delta;
      return { text: await result.text, streamed };
    },
    /** The caller aborts its own call after `abortAfterMs`; its error handling runs once. */
    aborted: async (
      ctx: restate.Context,
      {
        prompt,
        stream,
        abortAfterMs,
        rethrow,
      }: { prompt: string; stream: boolean; abortAfterMs: number; rethrow?: boolean },
    ) => {
      const abortSignal = AbortSignal.timeout(abortAfterMs);
      try {
        if (!stream)
          return (await generateText({ ...agentSettings(ctx, prompt), abortSignal })).text;
        const result = streamText({ ...agentSettings(ctx, prompt), abortSignal });
        for await (const _ of result.textStream);
        return await result.text;
      } catch (error) {
        if (rethrow) throw error;
        await ctx.run("after the catch", () => recordEffect("caught", { prompt }));
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    },
    embed: async (ctx: restate.Context, values: string[]) => {
      const { embeddings } = await embedMany({
        model: wrapEmbeddingModel({
          model: openai.embedding("text-embedding-3-small"),
          middleware: durableEmbeds(ctx, retry),
        }),
        values,
        maxRetries: 0,
      });
      await ctx.run("store embeddings", () => recordEffect("store", { count: embeddings.length }));
      return embeddings.length;
    },
  },
});

export const services = [agent];
