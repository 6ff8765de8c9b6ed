/**
 * OpenAI Agents SDK — `needsApproval` tools approved through Restate: the runner creates one
 * awakeable per approval, prints how to answer, and waits (suspended) for the reviewer.
 *
 *   curl localhost:8080/OpenAIRefundAgent/run/send --json '"Refund 120 EUR to order 42"'
 */
import { Agent, tool } from "@openai/agents";
import { DurableRunner } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { z } from "zod";
import { agentsModelProvider } from "../llm.ts";

const ingress = process.env.RESTATE_INGRESS_URL ?? "http://localhost:8080";

const refund = tool({
  name: "refund",
  description: "Refund an amount to the customer.",
  parameters: z.object({ amount: z.number() }),
  needsApproval: true,
  execute: async ({ amount }) => `refunded ${amount}`,
});

const refundAgent = new Agent({
  name: "RefundAgent",
  instructions: "You process refunds for customers.",
  model: "gpt-4o",
  tools: [refund],
});

export const openaiRefundAgent = restate.service({
  name: "OpenAIRefundAgent",
  handlers: {
    run: async (ctx: restate.Context, message: string) => {
      const runner = new DurableRunner(ctx, {
        maxRetryAttempts: 3,
        ...agentsModelProvider(),
        approvals: {
          timeout: { days: 1 },
          onRequest: ({ awakeableId, toolName, input }) =>
            console.log(
              `[approval] ${toolName} ${JSON.stringify(input)}: curl ${ingress}/restate/awakeables/${awakeableId}/resolve --json 'true'`,
            ),
        },
      });
      return (await runner.run(refundAgent, message)).finalOutput;
    },
  },
});
