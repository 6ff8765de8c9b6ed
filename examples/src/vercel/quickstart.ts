/**
 * The AI quickstart's weather agent: service `agent`, handler `run` taking a string prompt.
 * Durable LLM calls (`durableCalls`) and a durable tool step (`ctx.run("get weather", ...)`).
 * Ask about Denver to watch the simulated weather API fail, Restate retry, and then succeed.
 *
 *   curl localhost:8080/agent/run --json '"What is the weather in Detroit?"'
 */
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../llm.ts";
import { fetchWeather } from "../utils/weather.ts";

async function weatherAgent(restateCtx: restate.Context, prompt: string) {
  // The durableCalls middleware persists each LLM response in Restate,
  // so they can be restored on retries without re-calling the LLM
  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(restateCtx, { maxRetryAttempts: 3 }),
  });

  const { text } = await generateText({
    model,
    system: "You are a helpful agent that provides weather updates.",
    prompt,
    tools: durableTools(restateCtx, {
      getWeather: tool({
        description: "Get the current weather for a given city.",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          // call tool wrapped as Restate durable step
          return await restateCtx.run("get weather", () => fetchWeather(city));
        },
      }),
    }),
    stopWhen: [stepCountIs(5)],
    maxRetries: 0,
  });

  return text;
}

// create a Restate Service as the callable entrypoint for our durable agent function
export const agent = restate.service({
  name: "agent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => weatherAgent(ctx, prompt),
  },
});
