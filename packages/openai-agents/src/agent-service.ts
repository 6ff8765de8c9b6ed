/**
 * `agentService`: an agent served as a Restate service of its own, the supported way to run
 * several agents in parallel.
 *
 * Several `DurableRunner.run`s started together in one handler make model calls on one Restate
 * context at the same time; their journal order would depend on timing, so the second one fails
 * with a `TerminalError`. As services, each run is an invocation with its own journal, and the
 * calls combine with `RestatePromise.all/any/race`, which journal deterministically.
 */
import type { Agent, AgentInputItem } from "@openai/agents";
import * as restate from "@restatedev/restate-sdk";
import { DurableRunner } from "./durable-runner.js";
import type { DurableRunnerConfig } from "./run-settings.js";

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type
type AnyAgent = Agent<any, any>;

/** The service's handler: runs the agent on the input and returns its final output. */
export type AgentServiceHandlers = {
  run: (ctx: restate.Context, input: string | AgentInputItem[]) => Promise<unknown>;
};

/**
 * A Restate service named `name` whose `run` handler runs `agent` durably. Register it with the
 * endpoint; then, from any handler:
 *
 * ```ts
 * const [spanish, french] = await RestatePromise.all([
 *   ctx.serviceClient(spanishTranslator).run("Translate: durable execution"),
 *   ctx.serviceClient(frenchTranslator).run("Translate: durable execution"),
 * ]);
 * ```
 *
 * @param config the `DurableRunner` configuration of every run (retries, `RunConfig`, ...).
 */
export function agentService<NAME extends string>(
  name: NAME,
  agent: AnyAgent,
  config?: DurableRunnerConfig,
): restate.ServiceDefinition<NAME, AgentServiceHandlers> {
  return restate.service({
    name,
    handlers: {
      run: async (ctx: restate.Context, input: string | AgentInputItem[]) =>
        (await new DurableRunner(ctx, config).run(agent, input)).finalOutput,
    },
  });
}
