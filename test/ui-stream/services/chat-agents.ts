/**
 * The UI-stream suites' chat agents: one turn handler per SDK, keyed by chat id, publishing to the
 * `ChatStreams` log served next to them, with a weather tool and a refund tool that needs
 * approval, talking to the fake OpenAI API and reporting side effects to the probe.
 */
import { openai } from "@ai-sdk/openai";
import { Agent, tool as agentsTool } from "@openai/agents";
import {
  DurableRunner,
  durableTool,
  publishAgentRun,
  restateContext,
} from "@restate-ai/openai-agents";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import {
  type ChatTurn,
  chatStreams,
  durableApproval,
  durableCalls,
  journalEncryption,
  publishChatStream,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import {
  convertToModelMessages,
  stepCountIs,
  streamText,
  ToolLoopAgent,
  tool,
  type UIMessage,
  wrapLanguageModel,
} from "ai";
import { z } from "zod";

const retry = { maxRetryAttempts: 3, initialRetryInterval: 100 };
/** Where a turn publishes: the chat's id and turn, and the client's choice of interval and ingress. */
const streamTarget = (turn: ChatTurn) => ({
  chatId: turn.chatId,
  turnId: turn.turnId,
  flushIntervalMs: Number(turn.body.flushIntervalMs ?? 50),
  ...(Array.isArray(turn.body.ingressUrls)
    ? { ingressUrl: turn.body.ingressUrls as string[] }
    : {}),
});

const weather = async (city: string) => {
  const report = await restateContext().run("get weather", async () => {
    await recordEffect("weather", { city });
    return { city, temperature: 21, conditions: "sunny" };
  });
  return report;
};

export const vercelChat = restate.object({
  name: "VercelChat",
  handlers: {
    turn: async (ctx: restate.ObjectContext, turn: ChatTurn) => {
      const model = wrapLanguageModel({
        model: openai("gpt-4o"),
        middleware: durableCalls(ctx, retry),
      });
      const messages = await convertToModelMessages(turn.messages as UIMessage[]);
      const result = await publishChatStream(ctx, streamTarget(turn), () =>
        streamText({
          model,
          system: "You are a helpful agent.",
          messages,
          maxRetries: 0,
          stopWhen: [stepCountIs(5)],
          tools: {
            getWeather: tool({
              description: "Get the current weather for a given city.",
              inputSchema: z.object({ city: z.string() }),
              execute: ({ city }) =>
                ctx.run("get weather", async () => {
                  await recordEffect("weather", { city });
                  return { city, temperature: 21, conditions: "sunny" };
                }),
            }),
            refund: tool({
              description: "Refund an amount to the customer.",
              inputSchema: z.object({ amount: z.number() }),
              execute: ({ amount }) =>
                ctx.run("refund", async () => {
                  await recordEffect("refund", { amount });
                  return `refunded ${amount}`;
                }),
            }),
          },
          toolApproval: durableApproval(ctx, {
            tools: ["refund"],
            onRequest: (request) => recordEffect("approval requested", request),
          }),
        }),
      );
      return { text: await result.text };
    },
  },
});

/** The same agent as a `ToolLoopAgent`, published from `agent.stream(...)`. */
export const loopAgentChat = restate.object({
  name: "LoopChat",
  handlers: {
    turn: async (ctx: restate.ObjectContext, turn: ChatTurn) => {
      const agent = new ToolLoopAgent({
        model: wrapLanguageModel({ model: openai("gpt-4o"), middleware: durableCalls(ctx, retry) }),
        instructions: "You are a helpful agent.",
        stopWhen: [stepCountIs(5)],
        maxRetries: 0,
      });
      const messages = await convertToModelMessages(turn.messages as UIMessage[]);
      const result = await publishChatStream(ctx, streamTarget(turn), () =>
        agent.stream({ messages }),
      );
      return { text: await result.text };
    },
  },
});

const refund = agentsTool({
  name: "refund",
  description: "Refund an amount to the customer.",
  parameters: z.object({ amount: z.number() }),
  needsApproval: true,
  execute: async ({ amount }) =>
    restateContext().run("refund", async () => {
      await recordEffect("refund", { amount });
      return `refunded ${amount}`;
    }),
});

const agent = new Agent({
  name: "ChatAgent",
  instructions: "You are a helpful agent.",
  model: "gpt-4o",
  tools: [
    durableTool({
      name: "get_weather",
      description: "Get the current weather for a given city.",
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => weather(city),
    }),
    refund,
  ],
});

export const agentsChat = restate.object({
  name: "AgentsChat",
  handlers: {
    turn: async (ctx: restate.ObjectContext, turn: ChatTurn) => {
      const runner = new DurableRunner(ctx, retry);
      const result = await publishAgentRun(ctx, runner, agent, lastUserText(turn.messages), {
        ...streamTarget(turn),
        approvals: { onRequest: (request) => recordEffect("approval requested", request) },
      });
      return { text: String(result.finalOutput ?? "") };
    },
  },
});

function lastUserText(messages: unknown[]): string {
  const last = (messages as UIMessage[]).filter((m) => m.role === "user").at(-1);
  return (last?.parts ?? []).map((part) => (part.type === "text" ? part.text : "")).join("");
}

export const services = [
  vercelChat,
  agentsChat,
  loopAgentChat,
  chatStreams({ retention: Number(process.env.CHAT_RETENTION_MS ?? 3_600_000) }),
];

/**
 * Journals and state encrypted when the suite gives the service a key set; the publisher then
 * encrypts its appends with this endpoint's codec, by default.
 */
export const endpointOptions = process.env.RESTATE_AI_JOURNAL_KEYS ? journalEncryption() : {};
