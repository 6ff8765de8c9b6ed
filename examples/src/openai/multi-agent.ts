/**
 * OpenAI Agents SDK — multi-agent with handoffs: an intake agent hands the conversation to the
 * right specialist; every agent's model calls are journaled.
 *
 *   curl localhost:8080/OpenAIMultiAgent/run --json '"I was charged twice for my last order"'
 */
import { Agent } from "@openai/agents";
import { DurableRunner } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { agentsModelProvider } from "../llm.ts";

const billing = new Agent({
  name: "Billing",
  handoffDescription: "Payments, charges and refunds",
  instructions: "You are a billing support agent. Explain charges and refunds.",
  model: "gpt-4o",
});

const account = new Agent({
  name: "Account",
  handoffDescription: "Login issues and security",
  instructions: "You are an account support agent. Help with login and security.",
  model: "gpt-4o",
});

const intake = new Agent({
  name: "Intake",
  instructions: "You are the intake agent. Hand the customer to the right specialist.",
  model: "gpt-4o",
  handoffs: [billing, account],
});

export const openaiMultiAgent = restate.service({
  name: "OpenAIMultiAgent",
  handlers: {
    run: async (ctx: restate.Context, message: string) => {
      const runner = new DurableRunner(ctx, { maxRetryAttempts: 3, ...agentsModelProvider() });
      const result = await runner.run(intake, message);
      return { agent: result.lastAgent?.name, answer: result.finalOutput };
    },
  },
});
