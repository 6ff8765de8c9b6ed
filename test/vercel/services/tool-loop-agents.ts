/**
 * Agents that exercise the AI SDK tool loop under Restate: human approval in a tool, terminal tool
 * errors, parallel tool calls, and the `durableApproval` helper. `MIDDLEWARE=reference` runs the
 * same agents on `@restatedev/vercel-ai-middleware` 0.4.0, to show what it gets wrong.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { openai } from "@ai-sdk/openai";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import * as ours from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import * as reference from "@restatedev/vercel-ai-middleware";
import {
  generateText,
  type ModelMessage,
  type StepResult,
  type StopCondition,
  stepCountIs,
  streamText,
  type ToolSet,
  tool,
  wrapLanguageModel,
} from "ai";
import { z } from "zod";

const useReference = process.env.MIDDLEWARE === "reference";
const lib = useReference ? reference : ours;
const withOrder = <T extends ToolSet>(ctx: restate.Context, tools: T): T =>
  useReference ? tools : ours.durableTools(ctx, tools);

interface AgentInput {
  prompt: string;
  stream?: boolean;
  /** Wrap the tools with durableTools (ignored for the reference). */
  ordered?: boolean;
  /** Parallel agent: random non-journaled awaits and a transient failure (default true). */
  jitter?: boolean;
  /** Pass telemetry integrations with the call, replacing the globally registered ones. */
  perCallTelemetry?: boolean;
  toolCallConcurrency?: number;
  parallelToolCalls?: "auto" | "allow";
}

/** A per-call telemetry integration that records nothing: it only replaces the global ones. */
const quietTelemetry = { integrations: [{ onStart: () => {} }] };

async function runAgent(
  ctx: restate.Context,
  input: AgentInput,
  settings: {
    tools: ToolSet;
    stopWhen?: StopCondition<ToolSet>[];
    onStepFinish?: (step: StepResult<ToolSet>) => void;
    toolApproval?: unknown;
  },
) {
  const options: Parameters<typeof generateText>[0] = {
    model: wrapLanguageModel({
      model: openai("gpt-4o"),
      middleware: lib.durableCalls(ctx, {
        maxRetryAttempts: 3,
        initialRetryInterval: 100,
        ...(input.parallelToolCalls === undefined
          ? {}
          : { parallelToolCalls: input.parallelToolCalls }),
      }),
    }),
    prompt: input.prompt,
    maxRetries: 0,
    ...(input.perCallTelemetry ? { telemetry: quietTelemetry } : {}),
    ...(input.toolCallConcurrency === undefined
      ? {}
      : { toolCallConcurrency: input.toolCallConcurrency }),
    tools: input.ordered ? withOrder(ctx, settings.tools) : settings.tools,
    stopWhen: settings.stopWhen ?? [stepCountIs(5)],
    ...(settings.onStepFinish ? { onStepFinish: settings.onStepFinish } : {}),
    ...(settings.toolApproval ? { toolApproval: settings.toolApproval as never } : {}),
  };
  if (!input.stream) {
    const result = await generateText(options);
    return { text: result.text, steps: result.steps };
  }
  const result = streamText(options as Parameters<typeof streamText>[0]);
  return { text: await result.text, steps: await result.steps };
}

export const approvalAgent = restate.service({
  name: "approvalAgent",
  handlers: {
    run: async (ctx: restate.Context, input: AgentInput) => {
      const requestApproval = tool({
        description: "Ask a human to approve the claim.",
        inputSchema: z.object({ claim: z.string() }),
        execute: async ({ claim }) => {
          const approval = ctx.awakeable<string>();
          await ctx.run("notify reviewer", () =>
            recordEffect("review requested", { claim, awakeableId: approval.id }),
          );
          return approval.promise;
        },
      });
      try {
        const { text } = await runAgent(ctx, input, { tools: { requestApproval } });
        return text;
      } catch (error) {
        await ctx.run("compensate", () => recordEffect("compensated"));
        throw error;
      }
    },
  },
});

const chargeCard = tool({
  description: "Charge the customer's card.",
  inputSchema: z.object({ amount: z.number() }),
  execute: async (): Promise<string> => {
    throw new restate.TerminalError("Card declined: insufficient funds");
  },
});

export const terminalAgent = restate.service({
  name: "terminalAgent",
  handlers: {
    fail: async (ctx: restate.Context, input: AgentInput) => {
      const { text } = await runAgent(ctx, input, {
        tools: { chargeCard },
        onStepFinish: lib.rethrowTerminalToolError,
      });
      return text;
    },
    stop: async (ctx: restate.Context, input: AgentInput) => {
      const { steps } = await runAgent(ctx, input, {
        tools: { chargeCard },
        stopWhen: [stepCountIs(5), lib.hasTerminalToolError],
      });
      return { terminalSteps: lib.getTerminalToolSteps(steps).length, steps: steps.length };
    },
  },
});

const replays = new Map<string, number>();

export const parallelAgent = restate.service({
  name: "parallelAgent",
  handlers: {
    run: async (ctx: restate.Context, input: AgentInput) => {
      const attempt = (replays.get(ctx.request().id) ?? 0) + 1;
      replays.set(ctx.request().id, attempt);
      const jitter = input.jitter ?? true;
      const lookup = tool({
        description: "Look up a record.",
        inputSchema: z.object({ key: z.string() }),
        execute: async ({ key }) => {
          // a cache read or jitter: an await that is not journaled
          if (jitter) await sleep(Math.random() * 30);
          const record = await ctx.run(`lookup ${key}`, () => `record ${key}`);
          // Without jitter, one step each, started in the model's order: nothing can reorder them.
          if (!jitter) return `${record} (enriched)`;
          await sleep(Math.random() * 30);
          return ctx.run(`enrich ${key}`, () => {
            if (attempt === 1 && key === "C") throw new Error("transient: enrichment service busy");
            return `${record} (enriched)`;
          });
        },
      });
      const { text } = await runAgent(ctx, input, { tools: { lookup } });
      return text;
    },
    /** The tour's manual loop: tools without `execute`, run by hand with `RestatePromise.all`. */
    manualLoop: async (ctx: restate.Context, input: AgentInput) => {
      const messages: ModelMessage[] = [{ role: "user", content: input.prompt }];
      const model = wrapLanguageModel({
        model: openai("gpt-4o"),
        middleware: ours.durableCalls(ctx, { maxRetryAttempts: 3, initialRetryInterval: 100 }),
      });
      for (;;) {
        const result = await generateText({
          model,
          messages,
          maxRetries: 0,
          tools: { lookup: tool({ inputSchema: z.object({ key: z.string() }) }) },
        });
        messages.push(...result.response.messages);
        if (result.finishReason !== "tool-calls") return result.text;
        const records = await restate.RestatePromise.all(
          result.toolCalls.map((call) => {
            const { key } = call.input as { key: string };
            return ctx.run(`lookup ${key}`, () => `record ${key}`);
          }),
        );
        messages.push({
          role: "tool",
          content: result.toolCalls.map((call, i) => ({
            type: "tool-result" as const,
            toolCallId: call.toolCallId,
            toolName: call.toolName,
            output: { type: "text" as const, value: String(records[i]) },
          })),
        });
      }
    },
  },
});

export const approvalHelperAgent = restate.service({
  name: "approvalHelperAgent",
  handlers: {
    run: async (ctx: restate.Context, input: AgentInput & { timeoutMs?: number }) => {
      const refund = tool({
        description: "Refund the customer.",
        inputSchema: z.object({ amount: z.number() }),
        execute: ({ amount }) => ctx.run("refund", () => recordEffect("refunded", { amount })),
      });
      const { text } = await runAgent(ctx, input, {
        tools: { refund },
        toolApproval: ours.durableApproval(ctx, {
          ...(input.timeoutMs === undefined ? {} : { timeout: input.timeoutMs }),
          onRequest: (request) => recordEffect("approval requested", request),
        }),
      });
      return text;
    },
  },
});

export const services = [approvalAgent, terminalAgent, parallelAgent, approvalHelperAgent];
