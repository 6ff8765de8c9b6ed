/**
 * `DurableAgent`: the AI SDK's `ToolLoopAgent`, defined once and run durably inside any Restate
 * handler.
 *
 * Each `generate(ctx, ...)` / `stream(ctx, ...)` runs a `ToolLoopAgent` whose model is wrapped with
 * `durableCalls(ctx)` and whose tools are wrapped with `durableTools(ctx)`, with the AI SDK's own
 * retries off (`maxRetries: 0`: Restate retries through the journal) and approvals, if configured,
 * resolved by `durableApproval(ctx)`. Every guarantee of those holds: journaled model calls
 * (generate and stream), tools in the model's order, cancellation and suspension ending the loop.
 * `service(name)` makes the agent a Restate service of its own, the supported way to run several
 * agents in parallel (`RestatePromise.all` over their calls).
 */
import type { Context as RestateContext, ServiceDefinition } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import {
  type GenerateTextResult,
  type ModelMessage,
  type OutputInterface as Output,
  type StreamTextResult,
  ToolLoopAgent,
  type ToolLoopAgentSettings,
  type ToolSet,
  wrapLanguageModel,
} from "ai";
import type { DurableCallsOptions } from "./call-settings.js";
import { durableCalls } from "./durable-calls.js";
import { durableTools } from "./durable-tools.js";
import { type DurableApprovalOptions, durableApproval } from "./tool-approval.js";

/** The AI SDK's runtime context type (`Context` of `@ai-sdk/provider-utils`). */
type RuntimeContext = Record<string, unknown>;
type WrappableModel = Parameters<typeof wrapLanguageModel>[0]["model"];

/** The tools of a {@link DurableAgent}, or a function that builds them for a handler's context. */
export type DurableAgentTools<TOOLS extends ToolSet> = TOOLS | ((ctx: RestateContext) => TOOLS);

/**
 * Settings of a {@link DurableAgent}: those of `ToolLoopAgent`, with a model object (not a
 * gateway id string), tools that may need the Restate context, and what is durable.
 */
export type DurableAgentSettings<
  CALL_OPTIONS = never,
  TOOLS extends ToolSet = ToolSet,
  RUNTIME_CONTEXT extends RuntimeContext = RuntimeContext,
  OUTPUT extends Output = never,
> = Omit<
  ToolLoopAgentSettings<CALL_OPTIONS, TOOLS, RUNTIME_CONTEXT, OUTPUT>,
  "model" | "tools" | "maxRetries"
> & {
  /** The language model, e.g. `openai("gpt-4o")`; it is wrapped with `durableCalls`. */
  model: WrappableModel;
  /** The tools, or `(ctx) => tools` for tools that journal their side effects with `ctx.run`. */
  tools?: DurableAgentTools<TOOLS>;
  /** Human approval of tool calls, through `durableApproval` (awakeables or workflow promises). */
  approval?: DurableApprovalOptions;
  /** Options of the journaled model calls (`durableCalls`): retries, entry names, limits. */
  durable?: DurableCallsOptions;
};

/** What the agent's {@link DurableAgent.service} handler takes: a prompt or messages. */
export type DurableAgentInput = { prompt: string } | { messages: ModelMessage[] };

type GenerateParameters<
  C,
  T extends ToolSet,
  R extends RuntimeContext,
  O extends Output,
> = Parameters<ToolLoopAgent<C, T, R, O>["generate"]>[0];
type StreamParameters<
  C,
  T extends ToolSet,
  R extends RuntimeContext,
  O extends Output,
> = Parameters<ToolLoopAgent<C, T, R, O>["stream"]>[0];

/**
 * A tool-loop agent whose every step is durable:
 *
 * ```ts
 * const weatherAgent = new DurableAgent({
 *   model: openai("gpt-4o"),
 *   instructions: "You are a helpful agent that provides weather updates.",
 *   tools: (ctx) => ({
 *     getWeather: tool({
 *       inputSchema: z.object({ city: z.string() }),
 *       execute: ({ city }) => ctx.run("get weather", () => fetchWeather(city)),
 *     }),
 *   }),
 *   stopWhen: stepCountIs(5),
 * });
 *
 * // inside a handler
 * const { text } = await weatherAgent.generate(ctx, { prompt });
 * ```
 */
export class DurableAgent<
  CALL_OPTIONS = never,
  TOOLS extends ToolSet = ToolSet,
  RUNTIME_CONTEXT extends RuntimeContext = RuntimeContext,
  OUTPUT extends Output = never,
> {
  private readonly settings: DurableAgentSettings<CALL_OPTIONS, TOOLS, RUNTIME_CONTEXT, OUTPUT>;

  constructor(settings: DurableAgentSettings<CALL_OPTIONS, TOOLS, RUNTIME_CONTEXT, OUTPUT>) {
    if (typeof settings.model !== "object" || settings.model === null) {
      throw new TypeError(
        "DurableAgent needs a language model object (e.g. openai('gpt-4o')), not a model id string.",
      );
    }
    this.settings = settings;
  }

  /** The agent's id, if it was given one. */
  get id(): string | undefined {
    return this.settings.id;
  }

  /** Runs the agent to completion, like `ToolLoopAgent.generate`, journaling every step. */
  generate(
    ctx: RestateContext,
    params: GenerateParameters<CALL_OPTIONS, TOOLS, RUNTIME_CONTEXT, OUTPUT>,
  ): Promise<GenerateTextResult<TOOLS, RUNTIME_CONTEXT, OUTPUT>> {
    return this.inHandler(ctx).generate(params);
  }

  /** Streams the agent, like `ToolLoopAgent.stream`, journaling every step. */
  stream(
    ctx: RestateContext,
    params: StreamParameters<CALL_OPTIONS, TOOLS, RUNTIME_CONTEXT, OUTPUT>,
  ): Promise<StreamTextResult<TOOLS, RUNTIME_CONTEXT, OUTPUT>> {
    return this.inHandler(ctx).stream(params);
  }

  /**
   * A Restate service named `name` whose `generate` handler runs this agent on `{ prompt }` or
   * `{ messages }` and returns its text. Register it with the endpoint; then run agents in
   * parallel from any handler, each an invocation of its own:
   *
   * ```ts
   * const [eligibility, fraud] = await RestatePromise.all([
   *   ctx.serviceClient(eligibilityService).generate({ prompt }),
   *   ctx.serviceClient(fraudService).generate({ prompt }),
   * ]);
   * ```
   */
  service<NAME extends string>(
    name: NAME,
  ): ServiceDefinition<
    NAME,
    { generate: (ctx: RestateContext, input: DurableAgentInput) => Promise<string> }
  > {
    return restate.service({
      name,
      handlers: {
        generate: async (ctx: RestateContext, input: DurableAgentInput): Promise<string> => {
          const params =
            "messages" in input ? { messages: input.messages } : { prompt: input.prompt };
          const result = await this.generate(ctx, params as never);
          return result.text;
        },
      },
    });
  }

  private inHandler(
    ctx: RestateContext,
  ): ToolLoopAgent<CALL_OPTIONS, TOOLS, RUNTIME_CONTEXT, OUTPUT> {
    const { model, tools, approval, durable, ...settings } = this.settings;
    const toolSet = typeof tools === "function" ? tools(ctx) : tools;
    return new ToolLoopAgent({
      ...settings,
      model: wrapLanguageModel({ model, middleware: durableCalls(ctx, durable) }),
      ...(toolSet === undefined ? {} : { tools: durableTools(ctx, toolSet) }),
      ...(approval === undefined ? {} : { toolApproval: durableApproval(ctx, approval) }),
      maxRetries: 0,
    } as ToolLoopAgentSettings<CALL_OPTIONS, TOOLS, RUNTIME_CONTEXT, OUTPUT>);
  }
}
