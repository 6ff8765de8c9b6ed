/**
 * Asks the provider for one tool call per response when nothing can order the AI SDK's execution
 * of several: the tools are not wrapped with `durableTools`, and this call's own telemetry
 * integrations replaced the hooks that order them (see `sdk-hooks.ts`).
 *
 * Each provider spells the option differently; a value the caller set is kept. Providers not
 * listed have no such option: a response with several such calls then fails at once
 * (see `loop-guard.ts`).
 */
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";

type ProviderOptions = NonNullable<LanguageModelV4CallOptions["providerOptions"]>;

/** Provider id prefix (`openai` of `openai.responses`) → its options key and the setting. */
const ONE_TOOL_CALL_PER_RESPONSE: Record<string, { key: string; option: [string, boolean] }> = {
  openai: { key: "openai", option: ["parallelToolCalls", false] },
  azure: { key: "openai", option: ["parallelToolCalls", false] },
  anthropic: { key: "anthropic", option: ["disableParallelToolUse", true] },
  groq: { key: "groq", option: ["parallelToolCalls", false] },
  mistral: { key: "mistral", option: ["parallelToolCalls", false] },
  xai: { key: "xai", option: ["parallel_function_calling", false] },
};

/** Function tools among those offered that `durableTools` does not order. */
export function unorderedTools(
  tools: LanguageModelV4CallOptions["tools"],
  wrapped: ReadonlySet<string>,
): string[] {
  return (tools ?? [])
    .filter((tool) => tool.type === "function" && !wrapped.has(tool.name))
    .map((tool) => tool.name);
}

/** `params` with the provider's "one tool call per response" option, where it has one. */
export function withOneToolCallPerResponse(
  provider: string,
  params: LanguageModelV4CallOptions,
): LanguageModelV4CallOptions {
  const setting = ONE_TOOL_CALL_PER_RESPONSE[provider.split(".")[0] ?? ""];
  if (setting === undefined) return params;
  const { key, option } = setting;
  const [name, value] = option;
  const current: ProviderOptions = params.providerOptions ?? {};
  if (current[key]?.[name] !== undefined) return params;
  return {
    ...params,
    providerOptions: { ...current, [key]: { ...current[key], [name]: value } },
  };
}
