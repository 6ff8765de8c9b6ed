/**
 * Tour of agents — a manual agent loop: the model's tool calls are executed by hand, in parallel
 * with `RestatePromise.all`, each as a durable step.
 *
 *   curl localhost:8080/ManualLoopAgent/run --json '{"prompt": "What is the weather like in New York and San Francisco?"}'
 */
import { durableCalls } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { RestatePromise } from "@restatedev/restate-sdk";
import { generateText, type ModelMessage, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../llm.ts";
import { fetchWeather } from "../utils/weather.ts";

export const manualLoopAgent = restate.service({
  name: "ManualLoopAgent",
  handlers: {
    run: async (ctx: restate.Context, { prompt }: { prompt: string }) => {
      const messages: ModelMessage[] = [{ role: "user", content: prompt }];
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });

      while (true) {
        const result = await generateText({
          model,
          messages,
          maxRetries: 0,
          tools: {
            // no execute function: the loop below handles the calls itself
            getWeather: tool({
              description: "Get the current weather in a given location",
              inputSchema: z.object({ city: z.string() }),
            }),
          },
        });
        messages.push(...result.response.messages);

        if (result.finishReason !== "tool-calls") return result.text;

        const outputs = await RestatePromise.all(
          result.toolCalls.map((call) =>
            ctx.run(`get weather ${(call.input as { city: string }).city}`, () =>
              fetchWeather((call.input as { city: string }).city),
            ),
          ),
        );
        messages.push({
          role: "tool",
          content: result.toolCalls.map((call, i) => ({
            type: "tool-result" as const,
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            output: { type: "json" as const, value: outputs[i] as never },
          })),
        });
      }
    },
  },
});
