/**
 * The offline model as an AI SDK `LanguageModelV4`: `doGenerate` and `doStream` answer from the
 * offline brain, so `durableCalls` journals, streams and replays it like a real provider's model.
 */
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
} from "@ai-sdk/provider";
import {
  decide,
  type OfflineMessage,
  type OfflineReply,
  type OfflineRequest,
} from "./offline-brain.ts";
import { logCall, pause, tokensOf } from "./offline-timing.ts";

export class OfflineLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "offline";
  readonly supportedUrls = {};
  readonly modelId: string;

  constructor(modelId: string) {
    this.modelId = modelId;
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { reply, step } = this.answer(options);
    logCall(this.modelId, "generate");
    await pause(this.modelId);
    return {
      content: contentOf(reply, step),
      finishReason: finishOf(reply),
      usage: usageOf(options.prompt, reply),
      warnings: [],
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { reply, step } = this.answer(options);
    logCall(this.modelId, "stream");
    const parts: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "response-metadata", modelId: this.modelId },
    ];
    if (reply.text !== undefined) {
      parts.push({ type: "text-start", id: "text-0" });
      for (const delta of reply.text.match(/\S+\s*/g) ?? [])
        parts.push({ type: "text-delta", id: "text-0", delta });
      parts.push({ type: "text-end", id: "text-0" });
    }
    for (const content of contentOf({ toolCalls: reply.toolCalls ?? [] }, step))
      parts.push(content as LanguageModelV4StreamPart);
    parts.push({
      type: "finish",
      finishReason: finishOf(reply),
      usage: usageOf(options.prompt, reply),
    });
    const modelId = this.modelId;
    return {
      stream: new ReadableStream({
        async start(controller) {
          await pause(modelId);
          for (const part of parts) {
            controller.enqueue(part);
            await pause(modelId, "delta");
          }
          controller.close();
        },
      }),
    };
  }

  private answer(options: LanguageModelV4CallOptions): { reply: OfflineReply; step: number } {
    const request: OfflineRequest = {
      system: systemOf(options.prompt),
      messages: messagesOf(options.prompt),
      tools: (options.tools ?? []).flatMap((t) =>
        t.type === "function"
          ? [{ name: t.name, description: t.description, parameters: t.inputSchema as never }]
          : [],
      ),
      parallelToolCalls:
        (options.providerOptions?.openai as { parallelToolCalls?: boolean } | undefined)
          ?.parallelToolCalls !== false,
    };
    return {
      reply: decide(request),
      step: options.prompt.filter((m) => m.role === "assistant").length,
    };
  }
}

function systemOf(prompt: LanguageModelV4Prompt): string {
  return prompt.flatMap((m) => (m.role === "system" ? [m.content] : [])).join("\n");
}

function messagesOf(prompt: LanguageModelV4Prompt): OfflineMessage[] {
  const messages: OfflineMessage[] = [];
  for (const message of prompt) {
    if (message.role === "user" || message.role === "assistant") {
      const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
      messages.push({ role: message.role, text });
    }
    if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const output = part.output;
        const text =
          output.type === "text" || output.type === "error-text"
            ? output.value
            : output.type === "execution-denied"
              ? `denied: ${output.reason ?? ""}`
              : JSON.stringify("value" in output ? output.value : output);
        messages.push({ role: "tool", toolName: part.toolName, text });
      }
    }
  }
  return messages;
}

function contentOf(reply: OfflineReply, step: number): LanguageModelV4Content[] {
  return [
    ...(reply.text === undefined ? [] : [{ type: "text" as const, text: reply.text }]),
    ...(reply.toolCalls ?? []).map((call, index) => ({
      type: "tool-call" as const,
      toolCallId: `offline_${step}_${index}`,
      toolName: call.name,
      input: JSON.stringify(call.args),
    })),
  ];
}

function finishOf(reply: OfflineReply): LanguageModelV4GenerateResult["finishReason"] {
  return (reply.toolCalls ?? []).length > 0
    ? { unified: "tool-calls", raw: "tool_calls" }
    : { unified: "stop", raw: "stop" };
}

function usageOf(
  prompt: LanguageModelV4Prompt,
  reply: OfflineReply,
): LanguageModelV4GenerateResult["usage"] {
  const input = tokensOf(JSON.stringify(prompt));
  const output = tokensOf(JSON.stringify(reply));
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}
