/**
 * Pattern — competitive racing: a deep analysis and a quick answer race as durable service calls
 * (`RestatePromise.any`); the winner's answer is returned and the loser is cancelled.
 *
 *   curl localhost:8080/RacingAgent/run --json '{"message": "What is durable execution?"}'
 */
import { durableCalls } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { type Context, RestatePromise } from "@restatedev/restate-sdk";
import { generateText, wrapLanguageModel } from "ai";
import { llm } from "../../llm.ts";

async function answer(ctx: Context, modelId: string, prompt: string) {
  const model = wrapLanguageModel({
    model: llm(modelId),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  const { text } = await generateText({ model, prompt, maxRetries: 0 });
  return text;
}

export const racingAgent = restate.service({
  name: "RacingAgent",
  handlers: {
    run: async (ctx: Context, { message }: { message: string }): Promise<string> => {
      // Start both service calls concurrently
      const slowCall = ctx.serviceClient(racingAgent).thinkLonger({ message });
      const slowResponse = slowCall.map((res) => ({ tag: "slow", res }));

      const fastCall = ctx.serviceClient(racingAgent).respondQuickly({ message });
      const fastResponse = fastCall.map((res) => ({ tag: "fast", res }));

      // Wait for the first one to complete
      const { tag, res } = await RestatePromise.any([slowResponse, fastResponse]);

      if (tag === "fast") {
        console.log("Quick response won the race!");
        ctx.cancel(await slowCall.invocationId);
      } else {
        console.log("Deep analysis won the race!");
        ctx.cancel(await fastCall.invocationId);
      }
      return res ?? "LLM gave no response";
    },
    // a reasoning model: thorough, and slow (offline too: ten times the latency)
    thinkLonger: async (ctx: Context, { message }: { message: string }) =>
      answer(ctx, "o3", `Analyze this thoroughly: ${message}`),
    respondQuickly: async (ctx: Context, { message }: { message: string }) =>
      answer(ctx, "gpt-4o-mini", `Quick answer: ${message}`),
  },
});
