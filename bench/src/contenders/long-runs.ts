/**
 * The contenders of the cost-growth figures (`../long-runs.ts`), plain and durable in one module:
 * - the bench agent of either SDK, timing each model call from inside the process, so the cost of
 *   a step at the start and at the end of a 200- or 1,000-step agent can be compared;
 * - a chat whose history grows by one exchange per message: on a `RestateSession` (a Virtual
 *   Object per chat) or on the Agents SDK's `MemorySession` (plain).
 * Handlers return `{ steps, times }`: how many model calls ran, and when each started (ms).
 */
import {
  Agent,
  tool as agentsTool,
  MemorySession,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  type Session,
  type StreamEvent,
  Usage,
} from "@openai/agents";
import {
  DurableRunner,
  durableTool,
  RestateSession,
  restateContext,
} from "@restate-ai/openai-agents";
import { durableCalls, durableTools } from "@restate-ai/vercel-middleware";
import * as restate from "@restatedev/restate-sdk";
import { type LanguageModelMiddleware, wrapLanguageModel } from "ai";
import { z } from "zod";
import { ScriptedAgentsModel } from "../scripted-agents-model.ts";
import { ScriptedLanguageModel } from "../scripted-model.ts";
import { lookup } from "../scripted-step.ts";
import { benchAgent, prompt } from "./agents-sdk-agent.ts";
import { lookupTool, runAiSdkAgent } from "./ai-sdk-agent.ts";

const plainRunner = new Runner({ tracingDisabled: true });

export interface LongRun {
  steps: number;
  /** `performance.now()` at the start of each model call. */
  times: number[];
}

/** Outermost middleware: notes when each model call starts. */
const timed = (times: number[]): LanguageModelMiddleware => ({
  specificationVersion: "v4",
  wrapGenerate: ({ doGenerate }) => {
    times.push(performance.now());
    return doGenerate();
  },
  wrapStream: ({ doStream }) => {
    times.push(performance.now());
    return doStream();
  },
});

/** An Agents SDK model that notes when each call starts. */
class TimedModel implements Model {
  private readonly inner: Model;
  private readonly times: number[];

  constructor(inner: Model, times: number[]) {
    this.inner = inner;
    this.times = times;
  }
  getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.times.push(performance.now());
    return this.inner.getResponse(request);
  }
  getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    this.times.push(performance.now());
    return this.inner.getStreamedResponse(request);
  }
}

async function aiSdkRun(steps: number, stream: boolean, ctx?: restate.Context): Promise<LongRun> {
  const times: number[] = [];
  const scripted = new ScriptedLanguageModel(0);
  const model = wrapLanguageModel({
    model:
      ctx === undefined
        ? scripted
        : wrapLanguageModel({ model: scripted, middleware: durableCalls(ctx) }),
    middleware: timed(times),
  });
  const work = lookupTool((step) =>
    ctx === undefined ? lookup(step) : ctx.run("lookup", () => lookup(step)),
  );
  const tools = ctx === undefined ? { lookup: work } : durableTools(ctx, { lookup: work });
  return { steps: await runAiSdkAgent({ model, tools, steps, stream }), times };
}

const parameters = z.object({ step: z.number() });
const plainLookup = agentsTool({
  name: "lookup",
  description: "Look up the record of a step.",
  parameters,
  execute: ({ step }) => lookup(step),
});
const durableLookup = durableTool({
  name: "lookup",
  description: "Look up the record of a step.",
  parameters,
  execute: ({ step }) => restateContext().run("lookup", () => lookup(step)),
});

async function agentsRun(steps: number, ctx?: restate.Context): Promise<LongRun> {
  const times: number[] = [];
  const model = new TimedModel(new ScriptedAgentsModel(0), times);
  const agent = benchAgent(ctx === undefined ? plainLookup : durableLookup, steps, model);
  const options = { maxTurns: steps + 1 };
  const result =
    ctx === undefined
      ? await plainRunner.run(agent, prompt, options)
      : await new DurableRunner(ctx).run(agent, prompt, options);
  return { steps: Number(result.finalOutput), times };
}

/** Answers every message of the chat with a short text, after reading the whole history. */
class ChatModel implements Model {
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const items = typeof request.input === "string" ? 1 : request.input.length;
    return {
      output: [
        {
          type: "message",
          role: "assistant",
          status: "completed",
          content: [{ type: "output_text", text: `Noted: item ${items} of the history.` }],
        },
      ],
      usage: new Usage({ requests: 1, inputTokens: 10 * items, outputTokens: 8 }),
      responseId: `resp_${items}`,
    };
  }
  // biome-ignore lint/correctness/useYield: the chat never streams
  async *getStreamedResponse(): AsyncIterable<StreamEvent> {
    throw new Error("the bench chat does not stream");
  }
}

const chatAgent = new Agent({ name: "Chat", instructions: "Chat.", model: new ChatModel() });

async function chatMessage(text: string, session: Session, ctx?: restate.ObjectContext) {
  const started = performance.now();
  const result =
    ctx === undefined
      ? await plainRunner.run(chatAgent, text, { session })
      : await new DurableRunner(ctx, { session }).run(chatAgent, text);
  return { steps: result.finalOutput === undefined ? 0 : 1, times: [started] };
}

/** The plain handlers (`plain-entry.ts`); the chat keeps its sessions in this process. */
const sessions = new Map<string, MemorySession>();
export const handlers = {
  generate: ({ steps }: { steps: number }) => aiSdkRun(steps, false),
  stream: ({ steps }: { steps: number }) => aiSdkRun(steps, true),
  agents: ({ steps }: { steps: number }) => agentsRun(steps),
  chat: ({ chatId, text }: { chatId: string; text: string }) => {
    let session = sessions.get(chatId);
    if (session === undefined) {
      session = new MemorySession();
      sessions.set(chatId, session);
    }
    return chatMessage(text, session);
  },
};

export const services = [
  restate.service({
    name: "BenchLongRuns",
    handlers: {
      generate: (ctx: restate.Context, { steps }: { steps: number }) => aiSdkRun(steps, false, ctx),
      stream: (ctx: restate.Context, { steps }: { steps: number }) => aiSdkRun(steps, true, ctx),
      agents: (ctx: restate.Context, { steps }: { steps: number }) => agentsRun(steps, ctx),
    },
  }),
  restate.object({
    name: "BenchLongChat",
    handlers: {
      message: (ctx: restate.ObjectContext, text: string) =>
        chatMessage(text, new RestateSession(ctx), ctx),
    },
  }),
];
