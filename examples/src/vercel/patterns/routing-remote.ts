/**
 * Pattern — routing to remote agents: the router picks a specialist and calls it as a durable
 * service call; each specialist is its own Restate service.
 *
 *   curl localhost:8080/RemoteAgentRouter/answer --json '{"message": "I cannot log in to my account"}'
 */
import { durableCalls } from "@restate-ai/vercel-middleware";
import type { Context } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import { generateText, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../../llm.ts";

const SPECIALISTS = {
  BillingAgent: {
    description: "Expert in payments, charges, and refunds",
    prompt: "You are a billing support specialist. Explain charges clearly and give next steps.",
  },
  AccountAgent: {
    description: "Expert in login issues and security",
    prompt: "You are an account support specialist. Help with login and security issues.",
  },
  ProductAgent: {
    description: "Expert in features and how-to guides",
    prompt: "You are a product support specialist. Explain features and how-to steps.",
  },
} as const;
type Specialist = keyof typeof SPECIALISTS;

function specialist(name: Specialist) {
  return restate.service({
    name,
    handlers: {
      run: async (ctx: Context, question: string): Promise<string> => {
        const model = wrapLanguageModel({
          model: llm("gpt-4o"),
          middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
        });
        const { text } = await generateText({
          model,
          system: SPECIALISTS[name].prompt,
          prompt: question,
          maxRetries: 0,
        });
        return text;
      },
    },
  });
}

export const billingAgent = specialist("BillingAgent");
export const accountAgent = specialist("AccountAgent");
export const productAgent = specialist("ProductAgent");

async function answer(ctx: Context, { message }: { message: string }) {
  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  // 1. First, decide if a specialist is needed
  const routingDecision = await generateText({
    model,
    system:
      "You are a routing agent. Route the question to a specialist or respond directly if no specialist is needed.",
    prompt: message,
    tools: Object.fromEntries(
      Object.entries(SPECIALISTS).map(([name, { description }]) => [
        name,
        tool({ description, inputSchema: z.object({ message: z.string() }) }),
      ]),
    ),
    maxRetries: 0,
  });
  // 2. No specialist needed? Give a general answer
  const call = routingDecision.toolCalls[0];
  if (call === undefined) return routingDecision.text;
  // 3. Call the specialist over HTTP, durably
  return ctx.genericCall<string, string>({
    service: call.toolName as Specialist,
    method: "run",
    parameter: message,
    inputSerde: restate.serde.json,
    outputSerde: restate.serde.json,
  });
}

export const remoteAgentRouter = restate.service({
  name: "RemoteAgentRouter",
  handlers: { answer },
});
