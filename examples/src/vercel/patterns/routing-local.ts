/**
 * Pattern — routing to local agents: the router picks a specialist (offered to the model as tools
 * without `execute`), then asks that specialist — both LLM calls journaled in one invocation.
 *
 *   curl localhost:8080/AgentRouter/answer --json '{"message": "I was charged twice for my subscription"}'
 */
import { durableCalls } from "@restate-ai/vercel-middleware";
import type { Context } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import { generateText, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../../llm.ts";

const SPECIALISTS = {
  billingAgent: {
    description: "Expert in payments, charges, and refunds",
    prompt: "You are a billing support agent specializing in payments, charges, and refunds.",
  },
  accountAgent: {
    description: "Expert in login issues and security",
    prompt: "You are an account support agent specializing in login issues and security.",
  },
  productAgent: {
    description: "Expert in features and how-to guides",
    prompt: "You are a product support agent specializing in features and how-to guides.",
  },
} as const;

type Specialist = keyof typeof SPECIALISTS;

const specialistTools = Object.fromEntries(
  Object.entries(SPECIALISTS).map(([name, { description }]) => [
    name,
    tool({ description, inputSchema: z.object({ message: z.string() }) }),
  ]),
);

async function answer(ctx: Context, { message }: { message: string }) {
  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  // 1. First, decide if a specialist is needed
  const routingDecision = await generateText({
    model,
    system: "You are a routing agent. Route the question to a specialist or answer directly.",
    prompt: message,
    tools: specialistTools,
    maxRetries: 0,
  });
  // 2. No specialist needed? Give a general answer
  const call = routingDecision.toolCalls[0];
  if (call === undefined) return routingDecision.text;
  // 3. Ask the specialist to answer
  const specialist = call.toolName as Specialist;
  const { text } = await generateText({
    model,
    system: SPECIALISTS[specialist].prompt,
    prompt: message,
    maxRetries: 0,
  });
  return text;
}

export const agentRouter = restate.service({ name: "AgentRouter", handlers: { answer } });
