/**
 * Tour of agents — human approval with a timeout (`orTimeout`). The timer is durable: a restart
 * keeps the remaining time. `APPROVAL_TIMEOUT_MS` lowers the default of 3 hours.
 *
 *   curl localhost:8080/HumanClaimApprovalWithTimeoutsAgent/run/send --json '{"prompt": "Process my hospital bill of 3000USD for a broken leg."}'
 */
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { TimeoutError } from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { llm } from "../llm.ts";
import { type InsuranceClaim, InsuranceClaimSchema, requestHumanReview } from "../utils/claims.ts";

const timeout = process.env.APPROVAL_TIMEOUT_MS
  ? Number(process.env.APPROVAL_TIMEOUT_MS)
  : { hours: 3 };

export const humanClaimApprovalWithTimeoutsAgent = restate.service({
  name: "HumanClaimApprovalWithTimeoutsAgent",
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
            execute: async (claim: InsuranceClaim) => {
              const approval = ctx.awakeable<boolean>();
              await ctx.run("request-review", () => requestHumanReview(claim, approval.id));
              try {
                // At most 3 hours, to reach our SLA
                const approved = await approval.promise.orTimeout(timeout);
                return { approved };
              } catch (e) {
                if (e instanceof TimeoutError) {
                  return { approved: false, reason: "Approval timed out - Evaluate with AI" };
                }
                throw e;
              }
            },
          }),
        }),
        stopWhen: [stepCountIs(5)],
        maxRetries: 0,
      });

      return text;
    },
  },
});
