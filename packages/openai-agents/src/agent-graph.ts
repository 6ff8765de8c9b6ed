/**
 * Makes the models of an agent graph durable: the agent itself and every agent it can hand off to,
 * transitively. String model names need nothing here (the runner resolves them through the durable
 * provider); `Model` instances bypass the provider, so they are made durable in place.
 *
 * Agents used via `agent.asTool()` are hidden inside their tool: their nested run inherits the
 * durable provider, so model names are journaled; give their `Model` instances `durableModel()`.
 */
import { Agent } from "@openai/agents";
import { durableModel } from "./durable-model.js";

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type
type AnyAgent = Agent<any, any>;

export function makeAgentGraphDurable(start: AnyAgent): void {
  const seen = new Set<AnyAgent>();
  const queue: AnyAgent[] = [start];
  for (let agent = queue.shift(); agent !== undefined; agent = queue.shift()) {
    if (seen.has(agent)) continue;
    seen.add(agent);
    if (typeof agent.model === "object" && agent.model !== null) durableModel(agent.model);
    for (const handoff of agent.handoffs) {
      const target = handoff instanceof Agent ? handoff : handoff.agent;
      if (target instanceof Agent) queue.push(target);
    }
  }
}
