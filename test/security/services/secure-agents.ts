/**
 * Agents of both SDKs behind an endpoint with journal encryption on (`journalEncryption()`, keys
 * from `RESTATE_AI_JOURNAL_KEYS`): one-shot runs (generate, stream) with a tool and an optional
 * human approval, and chats whose memory is Virtual Object state (`superJson` messages for the AI
 * SDK, `RestateSession` for the Agents SDK). The tool answers with something the model did not say
 * (the id it was given, reversed), so the tool result is a secret of its own.
 *
 * `plainControl` is served by `plain-control.ts`, without encryption, to prove the searches see
 * plaintext when there is some.
 */
import { openai } from "@ai-sdk/openai";
import { Agent, type Tool } from "@openai/agents";
import {
  DurableRunner,
  durableTool,
  RestateSession,
  restateContext,
} from "@restate-ai/openai-agents";
import { recordEffect } from "@restate-ai/test-harness/probe-client";
import {
  durableCalls,
  durableTools,
  journalEncryption,
  superJson,
} from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import {
  generateText,
  type ModelMessage,
  stepCountIs,
  streamText,
  type ToolSet,
  tool,
  wrapLanguageModel,
} from "ai";
import { z } from "zod";

export interface SecureInput {
  key: string;
  prompt: string;
}

const retry = { maxRetryAttempts: 3, initialRetryInterval: 100 };

const work = {
  lookup(ctx: restate.Context, id: string) {
    return ctx.run("vault lookup", () => `vault record ${[...id].reverse().join("")}`);
  },
  async approval(ctx: restate.Context, key: string) {
    const approval = ctx.awakeable<{ approved: boolean; note: string }>();
    await ctx.run("notify reviewer", () =>
      recordEffect("approval-requested", { key, awakeableId: approval.id }),
    );
    const answer = await approval.promise;
    return `${answer.approved ? "approved" : "rejected"}: ${answer.note}`;
  },
};

function vercelTools(ctx: restate.Context, key: string): ToolSet {
  return durableTools(ctx, {
    vault_lookup: tool({
      description: "Look a record up in the vault.",
      inputSchema: z.object({ id: z.string() }),
      execute: ({ id }) => work.lookup(ctx, id),
    }),
    request_approval: tool({
      description: "Ask a human to approve.",
      inputSchema: z.object({ reason: z.string() }),
      execute: () => work.approval(ctx, key),
    }),
  });
}

function vercelModel(ctx: restate.Context) {
  return wrapLanguageModel({
    model: openai.responses("gpt-4o"),
    middleware: durableCalls(ctx, retry),
  });
}

const agentTools: Tool<{ key: string }>[] = [
  durableTool({
    name: "vault_lookup",
    description: "Look a record up in the vault.",
    parameters: z.object({ id: z.string() }),
    execute: ({ id }) => work.lookup(restateContext(), id),
  }),
  durableTool({
    name: "request_approval",
    description: "Ask a human to approve.",
    parameters: z.object({ reason: z.string() }),
    execute: (_args, runContext) =>
      work.approval(
        restateContext(),
        (runContext?.context as { key?: string } | undefined)?.key ?? "?",
      ),
  }),
] as Tool<{ key: string }>[];

const agent = new Agent<{ key: string }>({
  name: "SecureAgent",
  instructions: "You keep secrets.",
  model: "gpt-4o",
  tools: agentTools,
});

export const secureVercel = restate.service({
  name: "secureVercel",
  handlers: {
    generate: async (ctx: restate.Context, input: SecureInput) => {
      const { text } = await generateText({
        model: vercelModel(ctx),
        prompt: input.prompt,
        tools: vercelTools(ctx, input.key),
        stopWhen: stepCountIs(6),
        maxRetries: 0,
      });
      return { text };
    },
    stream: async (ctx: restate.Context, input: SecureInput) => {
      const result = streamText({
        model: vercelModel(ctx),
        prompt: input.prompt,
        tools: vercelTools(ctx, input.key),
        stopWhen: stepCountIs(6),
        maxRetries: 0,
      });
      let streamed = "";
      for await (const delta of result.textStream) streamed += delta;
      return { text: await result.text, streamed };
    },
  },
});

export const secureVercelChat = restate.object({
  name: "secureVercelChat",
  handlers: {
    message: async (ctx: restate.ObjectContext, input: SecureInput) => {
      const messages = (await ctx.get<ModelMessage[]>("messages", superJson)) ?? [];
      messages.push({ role: "user", content: input.prompt });
      const result = await generateText({
        model: vercelModel(ctx),
        messages,
        tools: vercelTools(ctx, input.key),
        stopWhen: stepCountIs(6),
        maxRetries: 0,
      });
      ctx.set("messages", [...messages, ...result.response.messages], superJson);
      return { text: result.text };
    },
  },
});

export const secureAgents = restate.service({
  name: "secureAgents",
  handlers: {
    generate: async (ctx: restate.Context, input: SecureInput) => {
      const result = await new DurableRunner(ctx, retry).run(agent, input.prompt, {
        context: { key: input.key },
        maxTurns: 6,
      });
      return { text: String(result.finalOutput) };
    },
    stream: async (ctx: restate.Context, input: SecureInput) => {
      const result = await new DurableRunner(ctx, retry).run(agent, input.prompt, {
        context: { key: input.key },
        maxTurns: 6,
        stream: true,
      });
      let streamed = "";
      for await (const text of result.toTextStream()) streamed += text;
      await result.completed;
      return { text: String(result.finalOutput), streamed };
    },
  },
});

export const secureAgentsChat = restate.object({
  name: "secureAgentsChat",
  handlers: {
    message: async (ctx: restate.ObjectContext, input: SecureInput) => {
      const runner = new DurableRunner(ctx, { ...retry, session: new RestateSession(ctx) });
      const result = await runner.run(agent, input.prompt, {
        context: { key: input.key },
        maxTurns: 6,
      });
      return { text: String(result.finalOutput) };
    },
  },
});

export const services = [secureVercel, secureVercelChat, secureAgents, secureAgentsChat];

export const endpointOptions = journalEncryption();
