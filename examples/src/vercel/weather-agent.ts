/**
 * Tour of agents — durable execution: the weather agent, taking `{ prompt }`.
 *
 *   curl localhost:8080/WeatherAgent/run --json '{"prompt": "What is the weather like in San Francisco?"}'
 */
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../llm.ts";
import { fetchWeather } from "../utils/weather.ts";

export const weatherAgent = restate.service({
  name: "WeatherAgent",
  handlers: {
    run: async (ctx: restate.Context, { prompt }: { prompt: string }) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });

      const { text } = await generateText({
        model,
        system: "You are a helpful agent that provides weather updates.",
        prompt,
        tools: durableTools(ctx, {
          getWeather: tool({
            description: "Get the current weather for a given city.",
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => ctx.run("get weather", () => fetchWeather(city)),
          }),
        }),
        stopWhen: [stepCountIs(5)],
        maxRetries: 0,
        providerOptions: { openai: { parallelToolCalls: false } },
      });

      return text;
    },
  },
});
