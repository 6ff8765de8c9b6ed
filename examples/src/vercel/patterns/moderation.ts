/**
 * Pattern — human in the loop: a moderation agent decides clear cases itself and escalates
 * uncertain ones to a human moderator through an awakeable (the invocation suspends meanwhile).
 *
 *   curl localhost:8080/ModerationAgent/moderate/send --json '{"message": "Is this maybe borderline?"}'
 */
import { durableCalls } from "@restate-ai/vercel-middleware";
import type { Context } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import { generateText, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { llm } from "../../llm.ts";

const ingress = process.env.RESTATE_INGRESS_URL ?? "http://localhost:8080";

const tools = {
  getHumanReview: tool({
    description: "Request human review if policy violation is uncertain.",
    inputSchema: z.object({}),
  }),
};

async function moderate(ctx: Context, { message }: { message: string }) {
  const model = wrapLanguageModel({
    model: llm("gpt-4o"),
    middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
  });
  const { text, toolCalls } = await generateText({
    model,
    system: "You are a content moderation agent. Decide if the content violates policy.",
    prompt: message,
    tools,
    maxRetries: 0,
  });

  if (toolCalls[0]?.toolName === "getHumanReview") {
    // Create a recoverable approval promise
    const approval = ctx.awakeable<string>();
    await ctx.run("Ask review", () =>
      console.log(
        `[moderation] Review "${message}": curl ${ingress}/restate/awakeables/${approval.id}/resolve --json '"approved"'`,
      ),
    );
    // Suspend until the moderator resolves the approval
    return approval.promise;
  }
  return text;
}

export const moderationAgent = restate.service({
  name: "ModerationAgent",
  handlers: { moderate },
});
