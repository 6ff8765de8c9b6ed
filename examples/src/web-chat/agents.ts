/**
 * The web chat's agents: one chat turn per message, for each SDK, published to the browser as the
 * AI SDK's UI message stream through the durable `ChatStreams` log. Both have a weather tool and
 * a refund tool that needs the user's approval (approve/deny in the chat).
 *
 * The browser talks to them through the chat endpoint of `server.ts`; the turn handlers are
 * Virtual Objects keyed by chat id, so the turns of a chat run one at a time.
 */
import { Agent, tool as agentsTool } from "@openai/agents";
import {
  DurableRunner,
  durableTool,
  publishAgentRun,
  restateContext,
} from "@restate-ai/openai-agents";
import {
  type ChatTurn,
  chatStreams,
  durableApproval,
  durableCalls,
  publishChatStream,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import {
  convertToModelMessages,
  stepCountIs,
  streamText,
  tool,
  type UIMessage,
  wrapLanguageModel,
} from "ai";
import { z } from "zod";
import { agentsModelProvider, llm } from "../llm.ts";
import { fetchWeather } from "../utils/weather.ts";

const system =
  "You are the web chat assistant of a travel company. Use getWeather for weather questions and refund for refunds.";

export const webChatVercel = restate.object({
  name: "WebChatVercel",
  handlers: {
    turn: async (ctx: restate.ObjectContext, turn: ChatTurn) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });
      const messages = await convertToModelMessages(turn.messages as UIMessage[]);
      const result = await publishChatStream(
        ctx,
        { chatId: turn.chatId, turnId: turn.turnId },
        () =>
          streamText({
            model,
            system,
            messages,
            maxRetries: 0,
            stopWhen: [stepCountIs(5)],
            tools: {
              getWeather: tool({
                description: "Get the current weather for a city.",
                inputSchema: z.object({ city: z.string() }),
                execute: ({ city }) => ctx.run("get weather", () => fetchWeather(city)),
              }),
              refund: tool({
                description: "Refund an amount to the customer.",
                inputSchema: z.object({ amount: z.number() }),
                execute: ({ amount }) => ctx.run("refund", () => `refunded ${amount} EUR`),
              }),
            },
            toolApproval: durableApproval(ctx, {
              tools: ["refund"],
              timeout: { hours: 1 },
              onRequest: ({ toolName, input }) =>
                console.log(
                  `[web chat] waiting for approval of ${toolName} ${JSON.stringify(input)}`,
                ),
            }),
          }),
      );
      return { text: await result.text };
    },
  },
});

const agentsAssistant = new Agent({
  name: "WebChatAssistant",
  instructions: system,
  model: "gpt-4o",
  tools: [
    durableTool({
      name: "getWeather",
      description: "Get the current weather for a city.",
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => restateContext().run("get weather", () => fetchWeather(city)),
    }),
    agentsTool({
      name: "refund",
      description: "Refund an amount to the customer.",
      parameters: z.object({ amount: z.number() }),
      needsApproval: true,
      execute: async ({ amount }) => restateContext().run("refund", () => `refunded ${amount} EUR`),
    }),
  ],
});

export const webChatAgents = restate.object({
  name: "WebChatAgents",
  handlers: {
    turn: async (ctx: restate.ObjectContext, turn: ChatTurn) => {
      const runner = new DurableRunner(ctx, { maxRetryAttempts: 3, ...agentsModelProvider() });
      const result = await publishAgentRun(ctx, runner, agentsAssistant, lastUserText(turn), {
        chatId: turn.chatId,
        turnId: turn.turnId,
        approvals: { timeout: { hours: 1 } },
      });
      return { text: String(result.finalOutput ?? "") };
    },
  },
});

function lastUserText(turn: ChatTurn): string {
  const last = (turn.messages as UIMessage[]).filter((m) => m.role === "user").at(-1);
  return (last?.parts ?? []).map((part) => (part.type === "text" ? part.text : "")).join("");
}

export const webChatServices = [webChatVercel, webChatAgents, chatStreams()];
