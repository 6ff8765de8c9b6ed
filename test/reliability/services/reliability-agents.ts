/**
 * The reliability suite's agents: one realistic tool agent per SDK, in the documented shapes
 * (`durableCalls` + `durableTools` with `@ai-sdk/openai`; `DurableRunner` + `durableTool` with the
 * Agents SDK's OpenAI client), talking to the fake OpenAI API and reporting every side effect to
 * the test's probe, outside this process.
 *
 * With `RESTATE_AI_JOURNAL_KEYS` set, journals and state are encrypted (`journalEncryption`).
 *
 * Probe effects, per run key: `tool-enter` (inside a tool's ctx.run, before its effect),
 * `tool-effect` (the effect itself, with an idempotency key), `after-tool` (after the ctx.run,
 * between steps), `approval-requested`, `compensate` (in the handler's catch).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { openai } from "@ai-sdk/openai";
import { Agent, type Tool } from "@openai/agents";
import { DurableRunner, durableTool, restateContext } from "@restate-ai/openai-agents";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import {
  type DurableCallsOptions,
  durableCalls,
  durableTools,
  journalEncryption,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, streamText, type ToolSet, tool, wrapLanguageModel } from "ai";
import { z } from "zod";

export interface RunInput {
  key: string;
  prompt: string;
  /** Makes the attempt fail once after the agent finished, so it completes through a replay. */
  forceReplay?: boolean;
}

export const retry = {
  maxRetryAttempts: 3,
  initialRetryInterval: 100,
  maxJournalEntryBytes: 1024 * 1024,
};
const jitter = () => sleep(Math.random() * 15);

/** What every tool does, whichever SDK calls it. */
const work = {
  async recordStep(ctx: restate.Context, key: string, step: number, nonce: number | undefined) {
    const result = await ctx.run(`step ${step}`, async () => {
      await recordEffect("tool-enter", { key, step });
      await recordEffect("tool-effect", { key, step, nonce, id: `${ctx.request().id}/${step}` });
      return `result ${step}`;
    });
    await recordEffect("after-tool", { key, step });
    return result;
  },
  async lookup(ctx: restate.Context, item: string) {
    await jitter();
    const record = await ctx.run(`lookup ${item}`, async () => {
      await jitter();
      return `record ${item}`;
    });
    await jitter();
    return record;
  },
  async requestApproval(ctx: restate.Context, key: string) {
    const approval = ctx.awakeable<boolean>();
    await ctx.run("notify reviewer", () =>
      recordEffect("approval-requested", { key, awakeableId: approval.id }),
    );
    return (await approval.promise) ? "approved" : "rejected";
  },
  async waitForShipment(ctx: restate.Context) {
    await ctx.sleep(60_000);
    return "shipped";
  },
  askSpecialist(ctx: restate.Context, question: string) {
    return ctx.serviceClient(specialist).answer(question);
  },
  /** A programming error: a value that cannot be sent to the model. */
  unsendable(kind: "function" | "bigint" | "cyclic"): unknown {
    if (kind === "function") return () => "a function";
    if (kind === "bigint") return { total: 10n };
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    return loop;
  },
};

const UnsendableArgs = z.object({ kind: z.enum(["function", "bigint", "cyclic"]) });

const StepArgs = z.object({ step: z.number(), nonce: z.number().nullable() });

export function vercelTools(ctx: restate.Context, key: string): ToolSet {
  return {
    record_step: tool({
      description: "Record a step.",
      inputSchema: StepArgs,
      execute: ({ step, nonce }) => work.recordStep(ctx, key, step, nonce ?? undefined),
    }),
    lookup: tool({
      description: "Look up an item.",
      inputSchema: z.object({ item: z.string() }),
      execute: ({ item }) => work.lookup(ctx, item),
    }),
    request_approval: tool({
      description: "Ask a human to approve.",
      inputSchema: z.object({ reason: z.string() }),
      execute: () => work.requestApproval(ctx, key),
    }),
    wait_for_shipment: tool({
      description: "Wait until the order ships.",
      inputSchema: z.object({ order: z.string() }),
      execute: () => work.waitForShipment(ctx),
    }),
    ask_specialist: tool({
      description: "Ask the specialist agent.",
      inputSchema: z.object({ question: z.string() }),
      execute: ({ question }) => work.askSpecialist(ctx, question),
    }),
    return_unsendable: tool({
      description: "Return a value.",
      inputSchema: UnsendableArgs,
      execute: async ({ kind }) => work.unsendable(kind),
    }),
  };
}

const agentsTools: Tool[] = [
  durableTool({
    name: "record_step",
    description: "Record a step.",
    parameters: StepArgs,
    execute: ({ step, nonce }, runContext) =>
      work.recordStep(restateContext(), keyOf(runContext?.context), step, nonce ?? undefined),
  }),
  durableTool({
    name: "lookup",
    description: "Look up an item.",
    parameters: z.object({ item: z.string() }),
    execute: ({ item }) => work.lookup(restateContext(), item),
  }),
  durableTool({
    name: "request_approval",
    description: "Ask a human to approve.",
    parameters: z.object({ reason: z.string() }),
    execute: (_args, runContext) =>
      work.requestApproval(restateContext(), keyOf(runContext?.context)),
  }),
  durableTool({
    name: "wait_for_shipment",
    description: "Wait until the order ships.",
    parameters: z.object({ order: z.string() }),
    execute: () => work.waitForShipment(restateContext()),
  }),
  durableTool({
    name: "ask_specialist",
    description: "Ask the specialist agent.",
    parameters: z.object({ question: z.string() }),
    execute: ({ question }) => work.askSpecialist(restateContext(), question),
  }),
  durableTool({
    name: "return_unsendable",
    description: "Return a value.",
    parameters: UnsendableArgs,
    execute: async ({ kind }) => work.unsendable(kind) as string,
  }),
];

const agent = new Agent<{ key: string }>({
  name: "ReliabilityAgent",
  instructions: "You work through the steps you are given.",
  model: "gpt-4o",
  tools: agentsTools as Tool<{ key: string }>[],
});

function keyOf(context: unknown): string {
  return (context as { key?: string } | undefined)?.key ?? "?";
}

const replayed = new Set<string>();

/** Runs `agentRun`; compensates once if it fails; fails one attempt first if asked to. */
export async function guarded<T>(
  ctx: restate.Context,
  input: RunInput,
  agentRun: () => Promise<T>,
) {
  let output: T;
  try {
    output = await agentRun();
  } catch (error) {
    await ctx.run("compensate", () => recordEffect("compensate", { key: input.key }));
    throw error;
  }
  if (input.forceReplay && !replayed.has(ctx.request().id)) {
    replayed.add(ctx.request().id);
    await recordEffect("forced-replay", { key: input.key });
    throw new Error("forcing a replay of the whole agent");
  }
  return output;
}

function vercelSettings(ctx: restate.Context, input: RunInput, options: DurableCallsOptions = {}) {
  return {
    model: wrapLanguageModel({
      model: openai.responses("gpt-4o"),
      middleware: durableCalls(ctx, { ...retry, ...options }),
    }),
    system: "You work through the steps you are given.",
    prompt: input.prompt,
    tools: durableTools(ctx, vercelTools(ctx, input.key)),
    stopWhen: stepCountIs(10),
    maxRetries: 0,
  };
}

export const vercelAgent = restate.service({
  name: "vercelAgent",
  handlers: {
    generate: (ctx: restate.Context, input: RunInput) =>
      guarded(ctx, input, async () => ({
        text: (await generateText(vercelSettings(ctx, input))).text,
      })),
    /** Plain usage: tools not wrapped with `durableTools`, ordered through the AI SDK's hooks. */
    generatePlain: (ctx: restate.Context, input: RunInput) =>
      guarded(ctx, input, async () => ({
        text: (
          await generateText({ ...vercelSettings(ctx, input), tools: vercelTools(ctx, input.key) })
        ).text,
      })),
    /**
     * The control of the determinism fuzz: nothing orders the tools — not wrapped, the AI SDK's
     * hooks replaced by a per-call telemetry integration, and `parallelToolCalls: "allow"`.
     */
    generateUnordered: (ctx: restate.Context, input: RunInput) =>
      guarded(ctx, input, async () => ({
        text: (
          await generateText({
            ...vercelSettings(ctx, input, { parallelToolCalls: "allow" }),
            tools: vercelTools(ctx, input.key),
            telemetry: { integrations: [{}] },
          })
        ).text,
      })),
    stream: (ctx: restate.Context, input: RunInput) =>
      guarded(ctx, input, async () => {
        const result = streamText(vercelSettings(ctx, input));
        let streamed = "";
        for await (const delta of result.textStream) streamed += delta;
        return { text: await result.text, streamed };
      }),
  },
});

export const agentsAgent = restate.service({
  name: "agentsAgent",
  handlers: {
    generate: (ctx: restate.Context, input: RunInput) =>
      guarded(ctx, input, async () => {
        const result = await new DurableRunner(ctx, retry).run(agent, input.prompt, {
          context: { key: input.key },
          maxTurns: 10,
        });
        return { text: String(result.finalOutput) };
      }),
    stream: (ctx: restate.Context, input: RunInput) =>
      guarded(ctx, input, async () => {
        const result = await new DurableRunner(ctx, retry).run(agent, input.prompt, {
          context: { key: input.key },
          maxTurns: 10,
          stream: true,
        });
        let streamed = "";
        for await (const text of result.toTextStream()) streamed += text;
        await result.completed;
        return { text: String(result.finalOutput), streamed };
      }),
  },
});

/** The sub-agent behind `ask_specialist`: takes its time, so a caller can be cancelled meanwhile. */
export const specialist = restate.service({
  name: "specialist",
  handlers: {
    answer: async (ctx: restate.Context, question: string) => {
      try {
        await ctx.sleep(60_000);
        return `The specialist's answer to: ${question}`;
      } catch (error) {
        await ctx.run("specialist compensate", () =>
          recordEffect("specialist-compensate", { question }),
        );
        throw error;
      }
    },
  },
});

/** The agents without the `DurableAgent` one (see `all-agents.ts`). */
export const baseServices = [vercelAgent, agentsAgent, specialist];

/** Journals and state encrypted when the suite gives the service a key set. */
export const endpointOptions = process.env.RESTATE_AI_JOURNAL_KEYS ? journalEncryption() : {};
