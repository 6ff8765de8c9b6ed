/**
 * Pattern — parallel tool calls with `parallelToolCalls` left on: the model may ask for several
 * tools in one step. `durableTools` runs them one at a time in the model's order, so their journal
 * entries are in the same order on every replay, whatever each tool awaits first.
 *
 *   curl localhost:8080/ParallelToolCallsAgent/run --json '{"message": "Compare the weather in Detroit, Denver and Paris"}'
 */
import { setTimeout as sleep } from "node:timers/promises";
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import type { Context } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../../llm.ts";
import { fetchWeather } from "../../utils/weather.ts";

async function run(ctx: Context, { message }: { message: string }) {
  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  const { text } = await generateText({
    model,
    system: "You compare the weather of cities. Look up every city at once.",
    prompt: message,
    tools: durableTools(ctx, {
      get_weather: tool({
        description: "Get the current weather for a location",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          await sleep(Math.random() * 50); // e.g. a cache read: not journaled, takes a random time
          return ctx.run(`get weather ${city}`, () => fetchWeather(city));
        },
      }),
    }),
    stopWhen: [stepCountIs(5)],
    maxRetries: 0,
  });
  return text;
}

export const parallelToolCallsAgent = restate.service({
  name: "ParallelToolCallsAgent",
  handlers: { run },
});
