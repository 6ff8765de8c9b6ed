/**
 * The scripted model as an AI SDK `LanguageModelV4`, shaped like `@ai-sdk/openai`'s results: the
 * provider's raw request body (the whole prompt, so it grows every step), response headers and raw
 * response body come along, as they do from a real provider — that is what a middleware has to
 * decide whether to journal.
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from "@ai-sdk/provider";
import { type StepResult, scriptedStep } from "./scripted-step.ts";

const headers = {
  "content-type": "application/json",
  "openai-organization": "bench-org",
  "openai-processing-ms": "412",
  "openai-version": "2020-10-01",
  "x-ratelimit-limit-requests": "10000",
  "x-ratelimit-remaining-requests": "9999",
  "x-request-id": "req_0123456789abcdef0123456789abcdef",
};

export class ScriptedLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "bench.chat";
  readonly modelId = "scripted";
  readonly supportedUrls = {};
  private readonly latencyMs: number;

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const k = stepOf(options);
    const step = await scriptedStep(k, this.latencyMs);
    return {
      content: [
        {
          type: "tool-call",
          toolCallId: step.toolCallId,
          toolName: step.toolName,
          input: step.input,
        },
      ],
      finishReason: { unified: "tool-calls", raw: "tool_calls" },
      usage: usageOf(step),
      request: { body: requestBody(options) },
      response: {
        id: `chatcmpl-${k}`,
        timestamp: new Date(1_700_000_000_000 + k * 1000),
        modelId: this.modelId,
        headers,
        body: responseBody(k, step),
      },
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV4CallOptions) {
    const k = stepOf(options);
    const step = await scriptedStep(k, this.latencyMs);
    const id = step.toolCallId;
    const parts: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      {
        type: "response-metadata",
        id: `chatcmpl-${k}`,
        modelId: this.modelId,
        timestamp: new Date(1_700_000_000_000 + k * 1000),
      },
      { type: "tool-input-start", id, toolName: step.toolName },
      ...(step.input.match(/.{1,4}/g) ?? []).map(
        (delta): LanguageModelV4StreamPart => ({ type: "tool-input-delta", id, delta }),
      ),
      { type: "tool-input-end", id },
      { type: "tool-call", toolCallId: id, toolName: step.toolName, input: step.input },
      {
        type: "finish",
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage: usageOf(step),
      },
    ];
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    return { stream, request: { body: requestBody(options) }, response: { headers } };
  }
}

/** Step k is the one after k tool results. */
function stepOf(options: LanguageModelV4CallOptions): number {
  return options.prompt.filter((message) => message.role === "tool").length;
}

function usageOf(step: StepResult): LanguageModelV4Usage {
  return {
    inputTokens: {
      total: step.usage.inputTokens,
      noCache: step.usage.inputTokens,
      cacheRead: 0,
      cacheWrite: undefined,
    },
    outputTokens: { total: step.usage.outputTokens, text: 0, reasoning: 0 },
  };
}

function requestBody(options: LanguageModelV4CallOptions) {
  return JSON.stringify({
    model: "scripted",
    messages: options.prompt,
    tools: options.tools,
    tool_choice: "auto",
  });
}

function responseBody(k: number, step: StepResult) {
  return {
    id: `chatcmpl-${k}`,
    object: "chat.completion",
    created: 1_700_000_000 + k,
    model: "scripted",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: step.toolCallId,
              type: "function",
              function: { name: step.toolName, arguments: step.input },
            },
          ],
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: {
      prompt_tokens: step.usage.inputTokens,
      completion_tokens: step.usage.outputTokens,
      total_tokens: step.usage.inputTokens + step.usage.outputTokens,
    },
    system_fingerprint: "fp_bench",
  };
}
