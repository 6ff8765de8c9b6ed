/**
 * The contender of the suspended-agents figure (`../suspended-agents.ts`): an AI SDK agent whose
 * tool (the scripted model's `lookup`) asks a human for approval — an awakeable, its id handed to
 * the driver from a journaled step — and waits, suspended, until the driver resolves it.
 */
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { ScriptedLanguageModel } from "../scripted-model.ts";

export const services = [
  restate.service({
    name: "BenchApprovalAgent",
    handlers: {
      run: async (ctx: restate.Context, { collector }: { collector: string }) => {
        const lookup = tool({
          description: "Ask a human to approve the step.",
          inputSchema: z.object({ step: z.number() }),
          execute: async ({ step }) => {
            const approval = ctx.awakeable<boolean>();
            await ctx.run("ask for approval", async () => {
              const response = await fetch(collector, { method: "POST", body: approval.id });
              if (!response.ok) throw new Error(`collector answered ${response.status}`);
            });
            return { step, approved: await approval.promise };
          },
        });
        const { steps } = await generateText({
          model: wrapLanguageModel({
            model: new ScriptedLanguageModel(0),
            middleware: durableCalls(ctx),
          }),
          prompt: "Ask for approval once.",
          tools: durableTools(ctx, { lookup }),
          stopWhen: stepCountIs(1),
          maxRetries: 0,
        });
        return steps.length;
      },
    },
  }),
];
