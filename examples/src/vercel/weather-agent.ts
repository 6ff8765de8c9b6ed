/**
 * Tour of agents — durable execution: the weather agent, taking `{ prompt }`. Written as a
 * `DurableAgent`: defined once, run in the handler with its Restate context.
 *
 *   curl localhost:8080/WeatherAgent/run --json '{"prompt": "What is the weather like in San Francisco?"}'
 */
import { DurableAgent } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { stepCountIs, tool } from "ai";
import { z } from "zod";
import { llm } from "../llm.ts";
import { fetchWeather } from "../utils/weather.ts";

const agent = new DurableAgent({
  model: llm("gpt-4o"),
  instructions: "You are a helpful agent that provides weather updates.",
  tools: (ctx) => ({
    getWeather: tool({
      description: "Get the current weather for a given city.",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ctx.run("get weather", () => fetchWeather(city)),
    }),
  }),
  stopWhen: stepCountIs(5),
  durable: { maxRetryAttempts: 3 },
});

export const weatherAgent = restate.service({
  name: "WeatherAgent",
  handlers: {
    run: async (ctx: restate.Context, { prompt }: { prompt: string }) =>
      (await agent.generate(ctx, { prompt })).text,
  },
});
