/**
 * Tour of agents — parallel tool steps: one tool runs three durable steps in parallel with
 * `RestatePromise.all`, which journals deterministically.
 *
 *   curl localhost:8080/ParallelToolClaimAgent/run --json '{"date":"2024-10-01","category":"orthopedic","reason":"hospital bill for a broken leg","amount":3000,"placeOfService":"General Hospital"}'
 */
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { RestatePromise } from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { llm } from "../llm.ts";
import {
  checkEligibility,
  checkFraud,
  compareToStandardRates,
  type InsuranceClaim,
  InsuranceClaimSchema,
} from "../utils/claims.ts";

export const parallelToolClaimAgent = restate.service({
  name: "ParallelToolClaimAgent",
  handlers: {
    run: async (ctx: restate.Context, claim: InsuranceClaim) => {
      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });

      const { text } = await generateText({
        model,
        prompt: `Analyze the claim ${JSON.stringify(claim)}.
        Use your tools to calculate key metrics and decide whether to approve.`,
        tools: durableTools(ctx, {
          calculateMetrics: tool({
            description: "Calculate claim metrics.",
            inputSchema: InsuranceClaimSchema,
            execute: async (claim: InsuranceClaim) => {
              // Execute each calculation as a parallel durable step
              return RestatePromise.all([
                ctx.run("eligibility", () => checkEligibility(claim)),
                ctx.run("cost", () => compareToStandardRates(claim)),
                ctx.run("fraud", () => checkFraud(claim)),
              ]);
            },
          }),
        }),
        stopWhen: [stepCountIs(10)],
        maxRetries: 0,
      });
      return text;
    },
  },
});
