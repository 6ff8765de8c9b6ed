/**
 * Tour of agents — multi-agent systems: the claim approval agent calls specialised sub-agents
 * as durable service calls; each sub-agent is a `DurableAgent` served as its own service, with
 * its own journal.
 *
 *   curl localhost:8080/MultiAgentClaimApproval/run --json '{"date":"2024-10-01","category":"orthopedic","reason":"hospital bill for a broken leg","amount":3000,"placeOfService":"General Hospital"}'
 */
import { DurableAgent, durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { llm } from "../llm.ts";
import { type InsuranceClaim, InsuranceClaimSchema } from "../utils/claims.ts";

/** A sub-agent: a `DurableAgent` served as a service of its own (`generate({ prompt })`). */
function claimAnalyst(name: string, instructions: string) {
  return new DurableAgent({
    model: llm("gpt-4o"),
    instructions,
    durable: { maxRetryAttempts: 3 },
  }).service(name);
}

/** The prompt the sub-agents get for a claim. */
export const claimPrompt = (claim: InsuranceClaim) => ({
  prompt: `Claim: ${JSON.stringify(claim)}`,
});

export const eligibilityAgent = claimAnalyst(
  "EligibilityAgent",
  "You are an insurance eligibility agent. Decide whether the claim is eligible.",
);
export const rateComparisonAgent = claimAnalyst(
  "RateComparisonAgent",
  "You are a rate comparison agent. Compare the cost to standard rates.",
);
export const fraudCheckAgent = claimAnalyst(
  "FraudCheckAgent",
  "You are a fraud detection agent. Estimate the fraud risk of the claim.",
);

export const multiAgentClaimApproval = restate.service({
  name: "MultiAgentClaimApproval",
  handlers: {
    run: async (ctx: restate.Context, claim: InsuranceClaim) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });

      const { text } = await generateText({
        model,
        prompt: `Claim: ${JSON.stringify(claim)}`,
        system:
          "You are a claim approval engine. Analyze the claim and use your tools to decide whether to approve.",
        tools: durableTools(ctx, {
          analyzeEligibility: tool({
            description: "Analyze claim eligibility.",
            inputSchema: InsuranceClaimSchema,
            execute: async (claim: InsuranceClaim) =>
              ctx.serviceClient(eligibilityAgent).generate(claimPrompt(claim)),
          }),
          analyzeFraud: tool({
            description: "Analyze probability of fraud.",
            inputSchema: InsuranceClaimSchema,
            execute: async (claim: InsuranceClaim) =>
              ctx.serviceClient(fraudCheckAgent).generate(claimPrompt(claim)),
          }),
        }),
        stopWhen: [stepCountIs(10)],
        maxRetries: 0,
      });
      return text;
    },
  },
});
