/**
 * The reliability suites' Vercel agent as a `DurableAgent`: the same model, instructions and tools
 * as `vercelAgent`, defined once at module level and run inside the handler.
 */
import { openai } from "@ai-sdk/openai";
import { DurableAgent } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { stepCountIs } from "ai";
import { guarded, type RunInput, retry, vercelTools } from "./reliability-agents.ts";

/** The run key of each handler's context, for the tools' effect reports. */
const keys = new WeakMap<restate.Context, string>();

const agent = new DurableAgent({
  model: openai.responses("gpt-4o"),
  instructions: "You work through the steps you are given.",
  tools: (ctx) => vercelTools(ctx, keys.get(ctx) ?? "?"),
  stopWhen: stepCountIs(10),
  durable: retry,
});

export const vercelDurableAgent = restate.service({
  name: "vercelDurableAgent",
  handlers: {
    generate: (ctx: restate.Context, input: RunInput) => {
      keys.set(ctx, input.key);
      return guarded(ctx, input, async () => ({
        text: (await agent.generate(ctx, { prompt: input.prompt })).text,
      }));
    },
    stream: (ctx: restate.Context, input: RunInput) => {
      keys.set(ctx, input.key);
      return guarded(ctx, input, async () => {
        const result = await agent.stream(ctx, { prompt: input.prompt });
        let streamed = "";
        for await (const delta of result.textStream) streamed += delta;
        return { text: await result.text, streamed };
      });
    },
  },
});
