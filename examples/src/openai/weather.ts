/**
 * OpenAI Agents SDK — the weather agent, run by `DurableRunner`: every model call journaled,
 * the tool's work a durable step (`restateContext().run`).
 *
 *   curl localhost:8080/OpenAIWeatherAgent/run --json '"What is the weather in Detroit?"'
 */
import { Agent } from "@openai/agents";
import { DurableRunner, durableTool, restateContext } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { z } from "zod";
import { agentsModelProvider } from "../llm.ts";
import { fetchWeather } from "../utils/weather.ts";

const getWeather = durableTool({
  name: "get_weather",
  description: "Get the current weather for a given city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => restateContext().run("get weather", () => fetchWeather(city)),
});

export const weatherAgent = new Agent({
  name: "WeatherAgent",
  instructions: "You are a helpful agent that provides weather updates.",
  model: "gpt-4o",
  tools: [getWeather],
});

export const openaiWeatherAgent = restate.service({
  name: "OpenAIWeatherAgent",
  handlers: {
    run: async (ctx: restate.Context, message: string) => {
      const runner = new DurableRunner(ctx, { maxRetryAttempts: 3, ...agentsModelProvider() });
      const result = await runner.run(weatherAgent, message);
      return result.finalOutput;
    },
  },
});
