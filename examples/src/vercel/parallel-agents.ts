/**
 * Tour of agents — parallel agents: three sub-agents analyse the claim concurrently
 * (`RestatePromise.all` over durable service calls, each agent an invocation of its own — the
 * supported way to run agents in parallel), then the decision engine decides.
 *
 *   curl localhost:8080/ParallelAgentClaimApproval/run --json '{"date":"2024-10-01","category":"orthopedic","reason":"hospital bill for a broken leg","amount":3000,"placeOfService":"General Hospital"}'
 */
import { durableCalls } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { RestatePromise } from "@restatedev/restate-sdk";
import { generateText, wrapLanguageModel } from "ai";
import { llm } from "../llm.ts";
import type { InsuranceClaim } from "../utils/claims.ts";
import {
  claimPrompt,
  eligibilityAgent,
  fraudCheckAgent,
  rateComparisonAgent,
} from "./multi-agent.ts";

export const parallelAgentClaimApproval = restate.service({
  name: "ParallelAgentClaimApproval",
  handlers: {
    run: async (ctx: restate.Context, claim: InsuranceClaim) => {
      const [eligibility, rateComparison, fraudCheck] = await RestatePromise.all([
        ctx.serviceClient(eligibilityAgent).generate(claimPrompt(claim)),
        ctx.serviceClient(rateComparisonAgent).generate(claimPrompt(claim)),
        ctx.serviceClient(fraudCheckAgent).generate(claimPrompt(claim)),
      ]);

      const model = wrapLanguageModel({
        model: llm("gpt-4o"),
        middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
      });

      const { text } = await generateText({
        model,
        system: "You are a claim decision engine.",
        prompt: `Decide about claim ${JSON.stringify(claim)}.
        Base your decision on the following analyses:
        Eligibility: ${eligibility}, Cost: ${rateComparison} Fraud: ${fraudCheck}`,
        maxRetries: 0,
      });
      return text;
    },
  },
});
