/**
 * The contender of the suspended-agents figure (`../suspended-agents.ts`): an AI SDK agent whose
 * tool (the scripted model's `lookup`) asks a human for approval — an awakeable, its id handed to
 * the driver from a journaled step — and waits, suspended, until the driver resolves it.
 *
 * The approval request goes through an `http.Agent` with a few sockets: with global `fetch`, a
 * thousand agents asking at once leave undici's pool a thousand idle clients (≈ 2.5 KB each,
 * kept for the process's life), which is the request's cost, not a suspended agent's.
 */
import { Agent, request } from "node:http";
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { z } from "zod";
import { ScriptedLanguageModel } from "../scripted-model.ts";

const sockets = new Agent({ keepAlive: true, maxSockets: 8 });

function askForApproval(collector: string, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request(collector, { method: "POST", agent: sockets }, (response) => {
      response.resume();
      if (response.statusCode === 200) resolve();
      else reject(new Error(`collector answered ${response.statusCode}`));
    });
    sent.on("error", reject);
    sent.end(id);
  });
}

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
            await ctx.run("ask for approval", () => askForApproval(collector, approval.id));
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
