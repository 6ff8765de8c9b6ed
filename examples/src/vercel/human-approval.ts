/**
 * Tour of agents — human in the loop: claims over 1000 wait for a human, through an awakeable.
 * The invocation suspends while waiting; the service log prints the curl that approves.
 *
 *   curl localhost:8080/HumanClaimApprovalAgent/run/send --json '{"prompt": "Process my hospital bill of 3000USD for a broken leg."}'
 */
import { DurableAgent } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { stepCountIs, tool } from "ai";
import { llm } from "../llm.ts";
import { type InsuranceClaim, InsuranceClaimSchema, requestHumanReview } from "../utils/claims.ts";

const agent = new DurableAgent({
  model: llm("gpt-4o"),
  instructions:
    "You are an insurance claim evaluation agent. Use these rules: " +
    "* if the amount is more than 1000, ask for human approval, " +
    "* if the amount is less than 1000, decide by yourself",
  tools: (ctx) => ({
    humanApproval: tool({
      description: "Ask for human approval for high-value claims.",
      inputSchema: InsuranceClaimSchema,
      execute: async (claim: InsuranceClaim): Promise<boolean> => {
        const approval = ctx.awakeable<boolean>();
        await ctx.run("request-review", () => requestHumanReview(claim, approval.id));
        return approval.promise;
      },
    }),
  }),
  stopWhen: stepCountIs(5),
  durable: { maxRetryAttempts: 3 },
});

export const humanClaimApprovalAgent = restate.service({
  name: "HumanClaimApprovalAgent",
  handlers: {
    run: async (ctx: restate.Context, { prompt }: { prompt: string }) =>
      (await agent.generate(ctx, { prompt })).text,
  },
});
