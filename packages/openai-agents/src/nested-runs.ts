/**
 * Runs started inside a durable run by any other `Runner` are durable too.
 *
 * A guardrail that runs its guardrail agent with the SDK's `run()` (as the SDK's docs show), a tool
 * that creates a `new Runner()`, the nested run of `agent.asTool()`: each goes through another
 * `Runner` — `run()` uses a global one — whose model provider journals nothing. `Runner.run` is
 * therefore wrapped (once per process): inside a durable run, a run by any runner that
 * `DurableRunner` did not create gets the durable run's treatment — its runner's provider made
 * durable, the `Model` instances of its agents and their handoffs made durable, guardrails made
 * sequential, function tools one at a time — and runs in the same durable run, so a cancellation
 * in it ends the whole run. Outside durable runs nothing changes.
 */
import { Runner } from "@openai/agents";
import { makeAgentGraphDurable } from "./agent-graph.js";
import { DurableModelProvider } from "./durable-model.js";
import { currentScope } from "./durable-scope.js";

const PATCHED = Symbol.for("@restate-ai/openai-agents/nested-runs");
/** Runners that `DurableRunner` created: they are durable already. */
const durableRunners = new WeakSet<Runner>();

type Run = Runner["run"];
type RunnerConfig = { modelProvider: ConstructorParameters<typeof DurableModelProvider>[0] };

/**
 * Makes the model provider of `runner` durable, in place: the one it was given, or the SDK's
 * default (which honours `setDefaultOpenAIClient`, `setDefaultOpenAIKey`, `setOpenAIAPI` and
 * `setDefaultModelProvider`). Its models pass through outside durable runs.
 */
export function makeProviderDurable(runner: Runner, nonRetryableIsTerminal: boolean): void {
  const config = (runner as unknown as { config: RunnerConfig }).config;
  if (config.modelProvider instanceof DurableModelProvider) return;
  config.modelProvider = new DurableModelProvider(config.modelProvider, nonRetryableIsTerminal);
}

/** Registers a runner created by `DurableRunner`, and wraps `Runner.run` if not done yet. */
export function registerDurableRunner(runner: Runner): void {
  durableRunners.add(runner);
  const prototype = Runner.prototype as Runner & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  const run: Run = prototype.run;
  Object.defineProperty(prototype, PATCHED, { value: true });
  prototype.run = function (this: Runner, agent, input, options) {
    const scope = currentScope();
    if (scope === undefined || durableRunners.has(this)) {
      return run.call(this, agent, input as never, options as never);
    }
    makeAgentGraphDurable(agent);
    makeProviderDurable(this, scope.settings.nonRetryableIsTerminal);
    const oneToolAtATime = {
      ...options,
      toolExecution: { ...options?.toolExecution, maxFunctionToolConcurrency: 1 },
    };
    return run.call(this, agent, input as never, oneToolAtATime as never);
  } as Run;
}
