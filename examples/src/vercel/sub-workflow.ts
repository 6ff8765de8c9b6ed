/**
 * Tour of agents — tools as sub-workflows: the approval step is its own service
 * (`HumanApprovalWorkflow`), called durably from the agent's tool.
 *
 *   curl localhost:8080/SubWorkflowClaimApprovalAgent/run/send --json '{"prompt": "Process my hospital bill of 3000USD for a broken leg."}'
 */
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { llm } from "../llm.ts";
import { type InsuranceClaim, InsuranceClaimSchema, requestHumanReview } from "../utils/claims.ts";

export const humanApprovalWorkflow = restate.service({
  name: "HumanApprovalWorkflow",
  handlers: {
    requestApproval: async (ctx: restate.Context, claim: InsuranceClaim) => {
      const approval = ctx.awakeable<boolean>();
      await ctx.run("request-review", () => requestHumanReview(claim, approval.id));
      return approval.promise;
    },
  },
});

export const subWorkflowClaimApprovalAgent = restate.service({
  name: "SubWorkflowClaimApprovalAgent",
  handlers: {
    run: async (ctx: restate.Context, { prompt }: { prompt: string }) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });

      const { text } = await generateText({
        model,
        system:
          "You are an insurance claim evaluation agent. Use these rules: " +
          "* if the amount is more than 1000, ask for human approval, " +
          "* if the amount is less than 1000, decide by yourself",
        prompt,
        tools: durableTools(ctx, {
          humanApproval: tool({
            description: "Ask for human approval for high-value claims.",
            inputSchema: InsuranceClaimSchema,
            execute: async (claim: InsuranceClaim) =>
              ctx.serviceClient(humanApprovalWorkflow).requestApproval(claim),
          }),
        }),
        stopWhen: [stepCountIs(5)],
        maxRetries: 0,
      });
      return text;
    },
  },
});
