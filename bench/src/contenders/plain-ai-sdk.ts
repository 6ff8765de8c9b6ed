/**
 * plain: the AI SDK agent with no Restate at all — the floor set by the SDK itself.
 */
import { ScriptedLanguageModel } from "../scripted-model.ts";
import { type AgentInput, lookup } from "../scripted-step.ts";
import { lookupTool, runAiSdkAgent } from "./ai-sdk-agent.ts";

const agent =
  (stream: boolean) =>
  ({ steps, latencyMs }: AgentInput) =>
    runAiSdkAgent({
      model: new ScriptedLanguageModel(latencyMs),
      tools: { lookup: lookupTool(lookup) },
      steps,
      stream,
    });

export const handlers = { generate: agent(false), stream: agent(true) };
