/**
 * Tour of agents — stop the agent on a terminal tool error: `hasTerminalToolError` ends the loop,
 * `getTerminalToolSteps` finds the failing steps to handle after the agent.
 *
 *   curl localhost:8080/StopOnTerminalToolAgent/run --json '{"prompt": "What is the weather in Atlantis?"}'
 */
import {
  durableCalls,
  durableTools,
  getTerminalToolSteps,
  hasTerminalToolError,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../llm.ts";
import { fetchWeatherOrRefuse } from "../utils/weather.ts";

export const stopOnTerminalToolAgent = restate.service({
  name: "StopOnTerminalToolAgent",
  handlers: {
    run: async (ctx: restate.Context, { prompt }: { prompt: string }) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });
      const { steps, text } = await generateText({
        model,
        tools: durableTools(ctx, {
          getWeather: tool({
            description: "Get the current weather for a given city.",
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => ctx.run("get weather", () => fetchWeatherOrRefuse(city)),
          }),
        }),
        stopWhen: [stepCountIs(5), hasTerminalToolError],
        system: "You are a helpful agent that provides weather updates.",
        messages: [{ role: "user", content: prompt }],
        maxRetries: 0,
      });

      const terminalSteps = getTerminalToolSteps(steps);
      if (terminalSteps.length > 0) {
        return `Stopped after a terminal tool error in ${terminalSteps.length} step(s): the weather service refused the request.`;
      }
      return text;
    },
  },
});
