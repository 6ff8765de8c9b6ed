/**
 * The agent a new user's project runs, copied into a fresh CommonJS project and a fresh ESM
 * project that install the packed tarballs: one Vercel AI SDK agent and one OpenAI Agents SDK
 * agent, in the shape of Restate's tour of agents, served on `$PORT`; and the browser chat
 * transport's entry point.
 */
import { openai } from "@ai-sdk/openai";
import { Agent } from "@openai/agents";
import { DurableRunner, durableTool, restateContext } from "@restate-ai/openai-agents";
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import { RestateChatTransport } from "@restate-ai/vercel-middleware/chat-transport";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";

const retry = { maxRetryAttempts: 3, initialRetryInterval: 100 };

const fetchWeather = async (city: string) => ({ city, temperature: 23, conditions: "sunny" });

const vercelAgent = restate.service({
  name: "VercelAgent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string): Promise<string> => {
      const { text } = await generateText({
        model: wrapLanguageModel({
          model: openai("gpt-4o"),
          middleware: durableCalls(ctx, retry),
        }),
        maxRetries: 0,
        prompt,
        stopWhen: stepCountIs(5),
        tools: durableTools(ctx, {
          getWeather: tool({
            description: "Get the current weather for a given city.",
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => ctx.run("get weather", () => fetchWeather(city)),
          }),
        }),
      });
      return text;
    },
  },
});

const weatherAgent = new Agent({
  name: "WeatherAgent",
  instructions: "You are a helpful agent that provides weather updates.",
  model: "gpt-4o",
  tools: [
    durableTool({
      name: "get_weather",
      description: "Get the current weather for a given city.",
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => restateContext().run("get weather", () => fetchWeather(city)),
    }),
  ],
});

const agentsAgent = restate.service({
  name: "AgentsAgent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string): Promise<string> => {
      const result = await new DurableRunner(ctx, retry).run(weatherAgent, prompt);
      return String(result.finalOutput);
    },
  },
});

// The browser entry point type-checks and loads in this module system too.
if (!(new RestateChatTransport({ api: "/api/chat" }) instanceof RestateChatTransport)) {
  throw new Error("RestateChatTransport did not load");
}

restate.serve({ services: [vercelAgent, agentsAgent], port: Number(process.env.PORT) });
