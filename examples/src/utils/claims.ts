/**
 * Insurance claims for the tour's agents: the schema, a simulated reviewer notification that
 * prints how to approve, and simulated analyses.
 */
import { z } from "zod";

export const InsuranceClaimSchema = z.object({
  date: z.string(),
  category: z.string(),
  reason: z.string(),
  amount: z.number(),
  placeOfService: z.string(),
});

export type InsuranceClaim = z.infer<typeof InsuranceClaimSchema>;

const ingress = process.env.RESTATE_INGRESS_URL ?? "http://localhost:8080";

/** Tells a (simulated) reviewer about the claim: prints the curl that approves it. */
export async function requestHumanReview(claim: InsuranceClaim, awakeableId: string) {
  console.log(
    `[review] Claim of ${claim.amount}USD (${claim.reason}) needs a human.\n` +
      `  Approve: curl ${ingress}/restate/awakeables/${awakeableId}/resolve --json 'true'\n` +
      `  Reject:  curl ${ingress}/restate/awakeables/${awakeableId}/resolve --json 'false'`,
  );
}

export async function checkEligibility(claim: InsuranceClaim) {
  return claim.amount < 50_000 ? "eligible" : "not eligible: above the policy limit";
}

export async function compareToStandardRates(claim: InsuranceClaim) {
  return claim.amount <= 5_000 ? "within standard rates" : "above standard rates";
}

export async function checkFraud(claim: InsuranceClaim) {
  return claim.amount > 20_000 ? "fraud risk: high" : "fraud risk: low";
}
