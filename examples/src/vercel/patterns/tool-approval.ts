/**
 * Pattern — durable approvals with the AI SDK's `toolApproval`: refunds wait for a human through a
 * Restate awakeable (`durableApproval`), suspended, for at most a day; a denial reaches the model.
 *
 *   curl localhost:8080/RefundAgent/run/send --json '{"prompt": "Refund 120 EUR to order 42"}'
 */
import { durableApproval, durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import type { Context } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../../llm.ts";

const ingress = process.env.RESTATE_INGRESS_URL ?? "http://localhost:8080";

async function run(ctx: Context, { prompt }: { prompt: string }) {
  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  const { text } = await generateText({
    model,
    system: "You process refunds for customers.",
    prompt,
    tools: durableTools(ctx, {
      refund: tool({
        description: "Refund an amount to the customer.",
        inputSchema: z.object({ amount: z.number() }),
        execute: async ({ amount }) => ctx.run("refund", () => `refunded ${amount}`),
      }),
    }),
    toolApproval: durableApproval(ctx, {
      tools: ["refund"],
      timeout: { days: 1 },
      onRequest: ({ awakeableId, input }) =>
        console.log(
          `[approval] Refund ${JSON.stringify(input)} needs approval: curl ${ingress}/restate/awakeables/${awakeableId}/resolve --json 'true'`,
        ),
    }),
    stopWhen: [stepCountIs(5)],
    maxRetries: 0,
  });
  return text;
}

export const refundAgent = restate.service({ name: "RefundAgent", handlers: { run } });
