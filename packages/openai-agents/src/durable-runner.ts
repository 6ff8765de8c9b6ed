/**
 * `DurableRunner`: the Agents SDK's `Runner`, made durable inside a Restate handler.
 *
 * - Every model call of the run is a journal entry: models resolved by name (through the configured
 *   provider, default OpenAI), `Model` instances of the agent and of the agents it hands off to,
 *   and the nested runs of `agent.asTool()` (which inherit the durable provider). A replay answers
 *   them from the journal.
 * - Tools run one at a time in the model's order (`maxFunctionToolConcurrency: 1`), so their
 *   Restate operations journal in the same order on every replay.
 * - A cancellation or an attempt-ending signal anywhere in the run ends it; `run()` rejects with the
 *   `CancelledError` / `TerminalError` itself, not the SDK's wrappers.
 * - Guardrails run one at a time before the model call, and runs started inside the run by other
 *   runners (a guardrail's `run()`, an `asTool` sub-run) are durable too.
 * - Determinism: tracing is off (a replay would export new spans), the OpenAI client does not retry
 *   behind the journal's back, and the run's signal ends with the Restate attempt.
 * - The model provider is the one configured, or the SDK's default (so `setDefaultOpenAIClient`,
 *   `setDefaultOpenAIKey` and `setOpenAIAPI` apply).
 */
import {
  type Agent,
  type AgentInputItem,
  type NonStreamRunOptions,
  Runner,
  type RunResult,
  type RunState,
  type StreamedRunResult,
  type StreamRunOptions,
} from "@openai/agents";
import type { ApprovalOptions } from "@restate-ai/core";
import type { Context } from "@restatedev/restate-sdk";
import { makeAgentGraphDurable } from "./agent-graph.js";
import { resolveApprovals } from "./approvals.js";
import { DurableScope } from "./durable-scope.js";
import { sequentialCopies } from "./guardrails.js";
import { makeProviderDurable, registerDurableRunner } from "./nested-runs.js";
import { unwrapRunError } from "./run-errors.js";
import { type DurableRunnerConfig, type ModelCallSettings, splitConfig } from "./run-settings.js";

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type
type AnyAgent = Agent<any, any>;
type Input<TContext, TAgent extends AnyAgent> =
  | string
  | AgentInputItem[]
  | RunState<TContext, TAgent>;

export class DurableRunner {
  private readonly ctx: Context;
  private readonly runner: Runner;
  private readonly settings: ModelCallSettings;
  private readonly config: Pick<ReturnType<typeof splitConfig>, "session" | "approvals">;

  /**
   * @param ctx the Restate context of the handler running the agent.
   * @param config the Agents SDK's `RunConfig`, Restate's retry policy for model calls
   *   (`maxRetryAttempts`...; default 10 attempts from 1 s to 30 s), and what to journal.
   */
  constructor(ctx: Context, config: DurableRunnerConfig = {}) {
    const { settings, runConfig, ...rest } = splitConfig(config);
    this.ctx = ctx;
    this.settings = settings;
    this.config = rest;
    const { inputGuardrails, outputGuardrails } = runConfig;
    this.runner = new Runner({
      ...runConfig,
      ...(inputGuardrails === undefined
        ? {}
        : { inputGuardrails: sequentialCopies(inputGuardrails) }),
      ...(outputGuardrails === undefined
        ? {}
        : { outputGuardrails: sequentialCopies(outputGuardrails) }),
    });
    makeProviderDurable(this.runner, settings.nonRetryableIsTerminal);
    registerDurableRunner(this.runner);
  }

  /** Listens to the runner's lifecycle events, like `Runner.on`. They fire again on replay. */
  on: Runner["on"] = (type, listener) => this.runner.on(type, listener);
  /** Stops listening, like `Runner.off`. */
  off: Runner["off"] = (type, listener) => this.runner.off(type, listener);
  /** Listens once, like `Runner.once`. */
  once: Runner["once"] = (type, listener) => this.runner.once(type, listener);
  /** Emits a lifecycle event, like `Runner.emit`. */
  emit: Runner["emit"] = (type, ...args) => this.runner.emit(type, ...args);

  /** Runs the agent to completion, like `Runner.run`, resolving approvals if configured. */
  run<TAgent extends AnyAgent, TContext = undefined>(
    agent: TAgent,
    input: Input<TContext, TAgent>,
    options?: NonStreamRunOptions<TContext, TAgent>,
  ): Promise<RunResult<TContext, TAgent>>;
  /** Streams the run, like `Runner.run` with `stream: true`. */
  run<TAgent extends AnyAgent, TContext = undefined>(
    agent: TAgent,
    input: Input<TContext, TAgent>,
    options: StreamRunOptions<TContext, TAgent>,
  ): Promise<StreamedRunResult<TContext, TAgent>>;
  run<TAgent extends AnyAgent, TContext = undefined>(
    agent: TAgent,
    input: Input<TContext, TAgent>,
    options: NonStreamRunOptions<TContext, TAgent> | StreamRunOptions<TContext, TAgent> = {},
  ): Promise<RunResult<TContext, TAgent> | StreamedRunResult<TContext, TAgent>> {
    const scope = new DurableScope(this.ctx, this.settings);
    makeAgentGraphDurable(agent);
    const signal = AbortSignal.any([
      scope.signal,
      this.ctx.request().attemptCompletedSignal,
      ...(options.signal === undefined ? [] : [options.signal]),
    ]);
    const session = options.session ?? this.config.session;
    const runOptions = { ...options, signal, ...(session === undefined ? {} : { session }) };
    return scope.run(async () => {
      try {
        if (runOptions.stream === true) {
          return surfaceRestateErrors(scope, await this.runner.run(agent, input, runOptions));
        }
        return await this.runToCompletion(agent, input, { ...runOptions, stream: false });
      } catch (error) {
        throw scope.endedBy?.error ?? unwrapRunError(error);
      }
    });
  }

  private async runToCompletion<TAgent extends AnyAgent, TContext>(
    agent: TAgent,
    input: Input<TContext, TAgent>,
    options: NonStreamRunOptions<TContext, TAgent>,
  ): Promise<RunResult<TContext, TAgent>> {
    const approvals: ApprovalOptions | undefined = this.config.approvals;
    let result = await this.runner.run(agent, input, options);
    while (approvals !== undefined && result.interruptions.length > 0) {
      result = await this.runner.run(
        agent,
        await resolveApprovals(this.ctx, result, approvals),
        options,
      );
    }
    return result;
  }
}

/**
 * Runs `agent` durably: `new DurableRunner(ctx, config).run(agent, input, options)`.
 */
export function durableRun<TAgent extends AnyAgent, TContext = undefined>(
  ctx: Context,
  agent: TAgent,
  input: Input<TContext, TAgent>,
  options: NonStreamRunOptions<TContext, TAgent> & { config?: DurableRunnerConfig } = {},
): Promise<RunResult<TContext, TAgent>> {
  const { config, ...runOptions } = options;
  return new DurableRunner(ctx, config).run(agent, input, runOptions);
}

/** Makes a streamed run report the Restate error that ended it, as `run()` does. */
// biome-ignore lint/suspicious/noExplicitAny: streamed results of any context and agent
function surfaceRestateErrors<T extends StreamedRunResult<any, any>>(
  scope: DurableScope,
  result: T,
): T {
  const surfaced = (error: unknown) => scope.endedBy?.error ?? unwrapRunError(error);
  const completed = result.completed.catch((error: unknown) => {
    throw surfaced(error);
  });
  return Object.defineProperties(result, {
    completed: { get: () => completed },
    error: {
      get: () => {
        const error = Object.getOwnPropertyDescriptor(
          Object.getPrototypeOf(result),
          "error",
        )?.get?.call(result);
        return error === undefined || error === null ? error : surfaced(error);
      },
    },
  });
}
