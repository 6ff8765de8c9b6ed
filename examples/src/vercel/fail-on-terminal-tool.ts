/**
 * Tour of agents — fail the agent on a terminal tool error: `onStepFinish: rethrowTerminalToolError`
 * makes the call reject with the tool's `TerminalError` (here: an unknown city) instead of showing
 * it to the model.
 *
 *   curl localhost:8080/FailOnTerminalToolAgent/run --json '{"prompt": "What is the weather in Atlantis?"}'
 */
import {
  durableCalls,
  durableTools,
  rethrowTerminalToolError,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../llm.ts";
import { fetchWeatherOrRefuse } from "../utils/weather.ts";

export const failOnTerminalToolAgent = restate.service({
  name: "FailOnTerminalToolAgent",
  handlers: {
    run: async (ctx: restate.Context, { prompt }: { prompt: string }) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });
      const { text } = await generateText({
        model,
        tools: durableTools(ctx, {
          getWeather: tool({
            description: "Get the current weather for a given city.",
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => ctx.run("get weather", () => fetchWeatherOrRefuse(city)),
          }),
        }),
        stopWhen: [stepCountIs(5)],
        onStepFinish: rethrowTerminalToolError,
        system: "You are a helpful agent that provides weather updates.",
        messages: [{ role: "user", content: prompt }],
        maxRetries: 0,
      });
      return text;
    },
  },
});
