/**
 * Agents SDK features that start work the runner does not see: guardrails that run their own
 * agent with the SDK's `run()` (as the SDK's docs show), a guardrail doing Restate work while the
 * SDK runs it in parallel with the model call, several runs at once in one handler, and the
 * supported way for those (`agentService` + `RestatePromise.all`).
 */
import { Agent, type InputGuardrail, type OutputGuardrail, run } from "@openai/agents";
import {
  agentService,
  DurableRunner,
  type DurableRunnerConfig,
  durableTool,
  restateContext,
} from "@restate-ai/openai-agents";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import * as restate from "@restatedev/restate-sdk";
import { z } from "zod";

const retry: DurableRunnerConfig = { maxRetryAttempts: 3, initialRetryInterval: 100 };

const homeworkCheck = new Agent({
  name: "HomeworkCheck",
  instructions: "Check if the user is asking you to do their math homework.",
  model: "gpt-4o",
  outputType: z.object({ isMathHomework: z.boolean(), reasoning: z.string() }),
});

const piiCheck = new Agent({
  name: "PiiCheck",
  instructions: "Check if the answer reveals personal data.",
  model: "gpt-4o",
  outputType: z.object({ revealsPii: z.boolean() }),
});

/** The SDK docs' input guardrail: a guardrail agent run with `run()`. */
const mathGuardrail: InputGuardrail = {
  name: "Math homework guardrail",
  execute: async ({ input, context }) => {
    await recordEffect("input guardrail", {});
    const result = await run(homeworkCheck, input, { context });
    return {
      outputInfo: result.finalOutput,
      tripwireTriggered: result.finalOutput?.isMathHomework ?? false,
    };
  },
};

const piiGuardrail: OutputGuardrail = {
  name: "PII guardrail",
  execute: async ({ agentOutput, context }) => {
    await recordEffect("output guardrail", {});
    const result = await run(piiCheck, String(agentOutput), { context });
    return {
      outputInfo: result.finalOutput,
      tripwireTriggered: result.finalOutput?.revealsPii ?? false,
    };
  },
};

/** An input guardrail doing Restate work itself, left to run in parallel (the SDK's default). */
const auditGuardrail: InputGuardrail = {
  name: "Audit guardrail",
  execute: async ({ input }) => {
    const audited = await restateContext().run("audit the request", async () => {
      await recordEffect("audit", { input: String(input) });
      return "audited";
    });
    return { outputInfo: audited, tripwireTriggered: false };
  },
};

const lookup = durableTool({
  name: "lookup",
  description: "Look up the answer.",
  parameters: z.object({ topic: z.string() }),
  execute: ({ topic }) =>
    restateContext().run(`lookup ${topic}`, async () => {
      await recordEffect("lookup", { topic });
      return `facts about ${topic}`;
    }),
});

const tutor = new Agent({
  name: "Tutor",
  instructions: "You are a tutor who explains concepts.",
  model: "gpt-4o",
  tools: [lookup],
  inputGuardrails: [mathGuardrail, auditGuardrail],
  outputGuardrails: [piiGuardrail],
});

export const guarded = restate.service({
  name: "guarded",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) =>
      (await new DurableRunner(ctx, retry).run(tutor, prompt)).finalOutput,
  },
});

const analyst = new Agent({
  name: "Analyst",
  instructions: "You analyse one aspect of a claim.",
  model: "gpt-4o",
  tools: [lookup],
});

export const analystService = agentService("analyst", analyst, retry);

const TOPICS = ["eligibility", "rates", "fraud"];

export const claimReview = restate.service({
  name: "agentsClaimReview",
  handlers: {
    /** Not supported: three runs at once on one context. */
    concurrent: async (ctx: restate.Context) =>
      Promise.all(
        TOPICS.map(async (topic) => {
          const result = await new DurableRunner(ctx, retry).run(analyst, `Analyse the ${topic}.`);
          return result.finalOutput;
        }),
      ),
    /** Supported: each run an invocation of its own. */
    inParallel: async (ctx: restate.Context) =>
      restate.RestatePromise.all(
        TOPICS.map((topic) => ctx.serviceClient(analystService).run(`Analyse the ${topic}.`)),
      ),
  },
});

export const services = [guarded, analystService, claimReview];
