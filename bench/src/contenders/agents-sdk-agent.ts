/**
 * The Agents SDK agent both Agents contenders run: the scripted model as a `Model` instance, one
 * `lookup` tool, and a tool-use behaviour that ends the run after the requested number of turns.
 */
import { Agent, type Tool } from "@openai/agents";
import { ScriptedAgentsModel } from "../scripted-agents-model.ts";

export const prompt = "Look up the records, one step at a time.";

export function benchAgent(lookupTool: Tool, steps: number, latencyMs: number) {
  let turns = 0;
  return new Agent({
    name: "BenchAgent",
    instructions: "Look up one record per turn.",
    model: new ScriptedAgentsModel(latencyMs),
    tools: [lookupTool],
    toolUseBehavior: () =>
      ++turns >= steps
        ? { isFinalOutput: true, isInterrupted: undefined, finalOutput: String(turns) }
        : { isFinalOutput: false, isInterrupted: undefined },
  });
}
