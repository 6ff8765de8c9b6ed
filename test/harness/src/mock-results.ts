/**
 * Building blocks for `MockLanguageModelV4` answers in tests: generate results and stream parts
 * for text and tool-call steps.
 */
import type {
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";

export const usage: LanguageModelV4Usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 5, text: 5, reasoning: 0 },
};

export function textResult(
  text: string,
  extra: Partial<LanguageModelV4GenerateResult> = {},
): LanguageModelV4GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage,
    warnings: [],
    ...extra,
  };
}

export function toolCallResult(
  calls: { name: string; input: unknown; id?: string }[],
  extra: Partial<LanguageModelV4GenerateResult> = {},
): LanguageModelV4GenerateResult {
  return {
    content: calls.map((call, index) => ({
      type: "tool-call" as const,
      toolCallId: call.id ?? `call-${index}`,
      toolName: call.name,
      input: JSON.stringify(call.input),
    })),
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
    usage,
    warnings: [],
    ...extra,
  };
}

/** Stream parts of a text answer, split into word deltas. */
export function textParts(text: string, id = "t1"): LanguageModelV4StreamPart[] {
  const words = text.match(/\S+\s*/g) ?? [];
  return [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: `resp-${id}`, modelId: "mock", timestamp: new Date(0) },
    { type: "text-start", id },
    ...words.map((delta) => ({ type: "text-delta" as const, id, delta })),
    { type: "text-end", id },
    { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
  ];
}

/** Stream parts of a step that calls tools. */
export function toolCallParts(
  calls: { name: string; input: unknown; id?: string }[],
): LanguageModelV4StreamPart[] {
  return [
    { type: "stream-start", warnings: [] },
    ...calls.map((call, index) => ({
      type: "tool-call" as const,
      toolCallId: call.id ?? `call-${index}`,
      toolName: call.name,
      input: JSON.stringify(call.input),
    })),
    { type: "finish", usage, finishReason: { unified: "tool-calls", raw: "tool_calls" } },
  ];
}

/** A `doStream` result streaming `parts`; `failAfter` errors the stream after that many parts. */
export function streamOf(
  parts: LanguageModelV4StreamPart[],
  options: { failAfter?: number; before?: (index: number) => Promise<void> } = {},
): LanguageModelV4StreamResult {
  let index = 0;
  return {
    stream: new ReadableStream({
      async pull(controller) {
        if (options.failAfter !== undefined && index >= options.failAfter) {
          controller.error(new Error("mock stream broke"));
          return;
        }
        await options.before?.(index);
        const part = parts[index++];
        if (part === undefined) controller.close();
        else controller.enqueue(part);
      },
    }),
  };
}
