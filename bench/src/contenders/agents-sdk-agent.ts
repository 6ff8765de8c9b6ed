/**
 * The Agents SDK agent both Agents contenders run: the scripted model as a `Model` instance, one
 * `lookup` tool, and a tool-use behaviour that ends the run after the requested number of turns.
 */
import { Agent, type Model, type Tool } from "@openai/agents";
import { ScriptedAgentsModel } from "../scripted-agents-model.ts";

export const prompt = "Look up the records, one step at a time.";

/** `model`: the scripted model's latency in ms, or a model of the caller's (e.g. one that times calls). */
export function benchAgent(lookupTool: Tool, steps: number, model: number | Model) {
  let turns = 0;
  return new Agent({
    name: "BenchAgent",
    instructions: "Look up one record per turn.",
    model: typeof model === "number" ? new ScriptedAgentsModel(model) : model,
    tools: [lookupTool],
    toolUseBehavior: () =>
      ++turns >= steps
        ? { isFinalOutput: true, isInterrupted: undefined, finalOutput: String(turns) }
        : { isFinalOutput: false, isInterrupted: undefined },
  });
}
