/**
 * Makes an agent graph durable: the agent itself and every agent it can hand off to, transitively.
 * String model names need nothing here (the runner resolves them through the durable provider);
 * `Model` instances bypass the provider, so they are made durable in place, as are the agents' MCP
 * servers (journaled listings and calls) and guardrails (sequential in durable runs). Everything is
 * changed so that it passes through outside durable runs.
 *
 * Agents used via `agent.asTool()` are hidden inside their tool: their nested run is made durable
 * when it starts (see `nested-runs.ts`).
 */
import { Agent } from "@openai/agents";
import { durableModel } from "./durable-model.js";
import { makeGuardrailsSequential } from "./guardrails.js";
import { durableMcpServer } from "./mcp-servers.js";

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type
type AnyAgent = Agent<any, any>;

export function makeAgentGraphDurable(start: AnyAgent): void {
  const seen = new Set<AnyAgent>();
  const queue: AnyAgent[] = [start];
  for (let agent = queue.shift(); agent !== undefined; agent = queue.shift()) {
    if (seen.has(agent)) continue;
    seen.add(agent);
    if (typeof agent.model === "object" && agent.model !== null) durableModel(agent.model);
    for (const server of agent.mcpServers) durableMcpServer(server);
    makeGuardrailsSequential(agent.inputGuardrails);
    makeGuardrailsSequential(agent.outputGuardrails);
    for (const handoff of agent.handoffs) {
      const target = handoff instanceof Agent ? handoff : handoff.agent;
      if (target instanceof Agent) queue.push(target);
    }
  }
}
