/**
 * OpenAI Agents SDK — parallel tool steps: one tool runs three durable steps in parallel with
 * `RestatePromise.all`; tool calls themselves run one at a time in the model's order.
 *
 *   curl localhost:8080/OpenAIParallelTools/run --json '{"date":"2024-10-01","category":"orthopedic","reason":"hospital bill for a broken leg","amount":3000,"placeOfService":"General Hospital"}'
 */
import { Agent } from "@openai/agents";
import { DurableRunner, durableTool, restateContext } from "@restate-ai/openai-agents";
import * as restate from "@restatedev/restate-sdk";
import { RestatePromise } from "@restatedev/restate-sdk";
import { agentsModelProvider } from "../llm.ts";
import {
  checkEligibility,
  checkFraud,
  compareToStandardRates,
  type InsuranceClaim,
  InsuranceClaimSchema,
} from "../utils/claims.ts";

const calculateMetrics = durableTool({
  name: "calculate_metrics",
  description: "Calculate claim metrics.",
  parameters: InsuranceClaimSchema,
  execute: async (claim) => {
    const ctx = restateContext();
    return RestatePromise.all([
      ctx.run("eligibility", () => checkEligibility(claim)),
      ctx.run("cost", () => compareToStandardRates(claim)),
      ctx.run("fraud", () => checkFraud(claim)),
    ]);
  },
});

const analyst = new Agent({
  name: "ClaimAnalyst",
  instructions: "You analyze insurance claims with your tools and decide whether to approve.",
  model: "gpt-4o",
  tools: [calculateMetrics],
});

export const openaiParallelTools = restate.service({
  name: "OpenAIParallelTools",
  handlers: {
    run: async (ctx: restate.Context, claim: InsuranceClaim) => {
      const runner = new DurableRunner(ctx, { maxRetryAttempts: 3, ...agentsModelProvider() });
      return (await runner.run(analyst, `Analyze the claim ${JSON.stringify(claim)}`)).finalOutput;
    },
  },
});
