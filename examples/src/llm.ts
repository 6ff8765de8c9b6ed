/**
 * Which model the examples talk to: OpenAI when `OPENAI_API_KEY` is set, otherwise the built-in
 * offline model — deterministic scripts behind a real AI SDK `LanguageModelV4` and a real Agents
 * SDK `Model`, so every durable code path (journaling, streaming, tool order) runs for real.
 */
import { openai } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import type { ModelProvider } from "@openai/agents";
import { OfflineModelProvider } from "./offline/agents-model.ts";
import { OfflineLanguageModel } from "./offline/ai-sdk-model.ts";

export const offline = !process.env.OPENAI_API_KEY;

/** `openai(modelId)` with an API key, the offline model without. */
export function llm(modelId = "gpt-4o"): LanguageModelV4 {
  return offline ? new OfflineLanguageModel(modelId) : openai(modelId);
}

/** The Agents SDK model provider: OpenAI's (the runner's default) with a key, offline without. */
export function agentsModelProvider(): { modelProvider?: ModelProvider } {
  return offline ? { modelProvider: new OfflineModelProvider() } : {};
}

export function describeModel(): string {
  return offline
    ? "OFFLINE MODEL: no OPENAI_API_KEY set, so agents answer with a built-in deterministic model (scripted per example). Set OPENAI_API_KEY to use gpt-4o."
    : "Using OpenAI (OPENAI_API_KEY is set).";
}
