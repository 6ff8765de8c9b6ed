/**
 * OpenAI Agents SDK — streaming: text arrives live while the model streams; each turn's events
 * are journaled when the model's stream ends, so a replay streams the same text without calling
 * the model again.
 *
 *   curl localhost:8080/OpenAIStreamingAgent/run --json '"What is the weather in Paris?"'
 */
import { DurableRunner } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { agentsModelProvider } from "../llm.ts";
import { weatherAgent } from "./weather.ts";

export const openaiStreamingAgent = restate.service({
  name: "OpenAIStreamingAgent",
  handlers: {
    run: async (ctx: restate.Context, message: string) => {
      const runner = new DurableRunner(ctx, { maxRetryAttempts: 3, ...agentsModelProvider() });
      const result = await runner.run(weatherAgent, message, { stream: true });
      let streamed = "";
      for await (const delta of result.toTextStream()) {
        streamed += delta;
        ctx.console.log(`[stream] ${delta}`);
      }
      await result.completed;
      return streamed;
    },
  },
});
