/**
 * OpenAI Agents SDK — human approval in a tool: claims over 1000 wait for a reviewer through an
 * awakeable, at most `timeoutMs` (default 3 hours); the invocation suspends meanwhile.
 *
 *   curl localhost:8080/OpenAIClaimApprovalAgent/run/send --json '{"message": "Process my hospital bill of 3000USD for a broken leg."}'
 */
import { Agent } from "@openai/agents";
import { DurableRunner, durableTool } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { TimeoutError } from "@restatedev/restate-sdk";
import { agentsModelProvider } from "../llm.ts";
import { InsuranceClaimSchema, requestHumanReview } from "../utils/claims.ts";

function claimAgent(ctx: restate.Context, timeoutMs: number) {
  const humanApproval = durableTool({
    name: "human_approval",
    description: "Ask for human approval for high-value claims.",
    parameters: InsuranceClaimSchema,
    execute: async (claim) => {
      const approval = ctx.awakeable<boolean>();
      await ctx.run("request-review", () => requestHumanReview(claim, approval.id));
      try {
        return await approval.promise.orTimeout(timeoutMs);
      } catch (e) {
        if (e instanceof TimeoutError) return "Approval timed out - decide by yourself";
        throw e;
      }
    },
  });
  return new Agent({
    name: "ClaimApprovalAgent",
    instructions:
      "You are an insurance claim evaluation agent. Use these rules: " +
      "if the amount is more than 1000, ask for human approval; otherwise decide by yourself.",
    model: "gpt-4o",
    tools: [humanApproval],
  });
}

export const openaiClaimApprovalAgent = restate.service({
  name: "OpenAIClaimApprovalAgent",
  handlers: {
    run: async (ctx: restate.Context, req: { message: string; timeoutMs?: number }) => {
      const agent = claimAgent(ctx, req.timeoutMs ?? 3 * 60 * 60 * 1000);
      const runner = new DurableRunner(ctx, { maxRetryAttempts: 3, ...agentsModelProvider() });
      return (await runner.run(agent, req.message)).finalOutput;
    },
  },
});
