/**
 * The suites' OpenAI Agents SDK agents, run by `DurableRunner` against the fake OpenAI API (the
 * real `@openai/agents-openai` Responses client, and an AI SDK model through `aisdk`), reporting
 * side effects to the test's probe.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { openai } from "@ai-sdk/openai";
import { Agent } from "@openai/agents";
import { aisdk } from "@openai/agents-extensions/ai-sdk";
import {
  DurableRunner,
  type DurableRunnerConfig,
  durableTool,
  RestateSession,
  restateContext,
} from "@restate-ai/openai-agents";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import * as restate from "@restatedev/restate-sdk";
import { z } from "zod";

const retry: DurableRunnerConfig = {
  maxRetryAttempts: Number(process.env.MAX_RETRY_ATTEMPTS ?? 3),
  initialRetryInterval: 100,
};

const getWeather = durableTool({
  name: "get_weather",
  description: "Get the current weather for a given city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    const weather = await restateContext().run("get weather", async () => {
      await recordEffect("weather", { city });
      return { city, temperature: 21, conditions: "sunny" };
    });
    await recordEffect("weather journaled", { city });
    return weather;
  },
});

const weatherAgent = new Agent({
  name: "WeatherAgent",
  instructions: "You are a helpful agent that provides weather updates.",
  model: "gpt-4o",
  tools: [getWeather],
});

export const weather = restate.service({
  name: "agentsWeather",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const result = await new DurableRunner(ctx, retry).run(weatherAgent, prompt);
      return result.finalOutput;
    },
    stream: async (ctx: restate.Context, prompt: string) => {
      const result = await new DurableRunner(ctx, retry).run(weatherAgent, prompt, {
        stream: true,
      });
      let streamed = "";
      for await (const text of result.toTextStream()) streamed += text;
      await result.completed;
      return { text: result.finalOutput, streamed };
    },
  },
});

const researcher = new Agent({
  name: "ResearchAgent",
  instructions: "You research insurance policies.",
  model: "gpt-4o",
});

const fileClaim = durableTool({
  name: "file_claim",
  description: "File the claim.",
  parameters: z.object({ claim: z.string() }),
  execute: async ({ claim }) => {
    const id = await restateContext().run("file claim", async () => {
      await recordEffect("claim filed", { claim });
      return "CLM-1";
    });
    await recordEffect("claim journaled", { claim });
    return id;
  },
});

const specialist = new Agent({
  name: "ClaimsSpecialist",
  instructions: "You are a claims specialist.",
  // a Model instance: bypasses the provider, made durable by DurableRunner
  model: aisdk(openai("gpt-4o-mini")),
  tools: [
    researcher.asTool({ toolName: "research_policy", toolDescription: "Research the policy." }),
    fileClaim,
  ],
});

const triage = new Agent({
  name: "Triage",
  instructions: "You triage customer requests.",
  model: "gpt-4o",
  handoffs: [specialist],
});

export const claims = restate.service({
  name: "agentsClaims",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const result = await new DurableRunner(ctx, retry).run(triage, prompt);
      return { agent: result.lastAgent?.name, output: result.finalOutput };
    },
  },
});

const attempts = new Map<string, number>();

export const parallel = restate.service({
  name: "agentsParallel",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      const lookup = durableTool({
        name: "lookup",
        description: "Look up a record.",
        parameters: z.object({ key: z.string() }),
        execute: async ({ key }) => {
          await sleep(Math.random() * 30); // an await that is not journaled
          const record = await ctx.run(`lookup ${key}`, () => `record ${key}`);
          await sleep(Math.random() * 30);
          return ctx.run(`enrich ${key}`, () => {
            if (attempt === 1 && key === "C") throw new Error("transient: enrichment busy");
            return `${record} (enriched)`;
          });
        },
      });
      const agent = new Agent({
        name: "LookupAgent",
        instructions: "You look up records.",
        model: "gpt-4o",
        tools: [lookup],
      });
      return (await new DurableRunner(ctx, retry).run(agent, prompt)).finalOutput;
    },
  },
});

export const reviews = restate.service({
  name: "agentsReview",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const requestReview = durableTool({
        name: "request_review",
        description: "Ask a human to review the claim.",
        parameters: z.object({ claim: z.string() }),
        execute: async ({ claim }) => {
          const review = ctx.awakeable<string>();
          await ctx.run("notify reviewer", () =>
            recordEffect("review requested", { claim, awakeableId: review.id }),
          );
          return review.promise;
        },
      });
      const agent = new Agent({
        name: "ReviewAgent",
        instructions: "You get claims reviewed.",
        model: "gpt-4o",
        tools: [requestReview],
      });
      try {
        return (await new DurableRunner(ctx, retry).run(agent, prompt)).finalOutput;
      } catch (error) {
        await ctx.run("compensate", () => recordEffect("compensated"));
        throw error;
      }
    },
  },
});

function chargingAgent(terminalErrors: "fail" | "model") {
  return new Agent({
    name: "ChargingAgent",
    instructions: "You charge customers.",
    model: "gpt-4o",
    tools: [
      durableTool({
        name: "charge_card",
        description: "Charge the card.",
        parameters: z.object({ amount: z.number() }),
        terminalErrors,
        execute: async (): Promise<string> => {
          throw new restate.TerminalError("Card declined: insufficient funds");
        },
      }),
    ],
  });
}

export const charges = restate.service({
  name: "agentsCharge",
  handlers: {
    fail: async (ctx: restate.Context, prompt: string) =>
      (await new DurableRunner(ctx, retry).run(chargingAgent("fail"), prompt)).finalOutput,
    showModel: async (ctx: restate.Context, prompt: string) =>
      (await new DurableRunner(ctx, retry).run(chargingAgent("model"), prompt)).finalOutput,
  },
});

const chatAgent = new Agent({
  name: "ChatAgent",
  instructions: "You are a friendly chat agent.",
  model: "gpt-4o",
});

export const chat = restate.object({
  name: "agentsChat",
  handlers: {
    message: async (ctx: restate.ObjectContext, text: string) => {
      const session = new RestateSession(ctx);
      const result = await new DurableRunner(ctx, { ...retry, session }).run(chatAgent, text);
      await recordEffect("replied", { key: ctx.key, text });
      return result.finalOutput;
    },
    history: restate.handlers.object.shared(async (ctx: restate.ObjectSharedContext) =>
      RestateSession.read(ctx),
    ),
  },
});

export const refunds = restate.service({
  name: "agentsRefund",
  handlers: {
    run: async (ctx: restate.Context, input: { prompt: string; timeoutMs?: number }) => {
      const refund = durableTool({
        name: "refund",
        description: "Refund the customer.",
        parameters: z.object({ amount: z.number() }),
        needsApproval: true,
        execute: ({ amount }) => ctx.run("refund", () => recordEffect("refunded", { amount })),
      });
      const agent = new Agent({
        name: "RefundAgent",
        instructions: "You refund customers.",
        model: "gpt-4o",
        tools: [refund],
      });
      const runner = new DurableRunner(ctx, {
        ...retry,
        approvals: {
          onRequest: (request) => recordEffect("approval requested", request),
          ...(input.timeoutMs === undefined ? {} : { timeout: input.timeoutMs }),
        },
      });
      return (await runner.run(agent, input.prompt)).finalOutput;
    },
  },
});

export const services = [weather, claims, parallel, reviews, charges, chat, refunds];
