/**
 * The offline model as an Agents SDK `Model` and `ModelProvider`: `getResponse` and
 * `getStreamedResponse` answer from the offline brain, so `DurableRunner` journals, streams and
 * replays it like OpenAI's models. Handoffs are offered to the brain as tools.
 */
import {
  type AgentInputItem,
  type AgentOutputItem,
  type Model,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
  type StreamEvent,
  type StreamEventResponseCompleted,
  Usage,
} from "@openai/agents";
import { decide, type OfflineMessage, type OfflineReply } from "./offline-brain.ts";
import { logCall, pause, tokensOf } from "./offline-timing.ts";

export class OfflineAgentsModel implements Model {
  private readonly modelId: string;

  constructor(modelId: string) {
    this.modelId = modelId;
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const { output, usage, id } = this.answer(request);
    logCall(this.modelId, "generate");
    await pause(this.modelId);
    return { output, usage: new Usage(usage), responseId: id };
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const { output, usage, id, reply } = this.answer(request);
    logCall(this.modelId, "stream");
    await pause(this.modelId);
    yield { type: "response_started" };
    for (const delta of reply.text?.match(/\S+\s*/g) ?? []) {
      yield { type: "output_text_delta", delta };
      await pause(this.modelId, "delta");
    }
    const response = { id, usage, output } as StreamEventResponseCompleted["response"];
    yield { type: "response_done", response };
  }

  private answer(request: ModelRequest) {
    const items = typeof request.input === "string" ? [userItem(request.input)] : request.input;
    const reply = decide({
      system: request.systemInstructions ?? "",
      messages: messagesOf(items),
      tools: [
        ...request.tools.flatMap((t) =>
          t.type === "function"
            ? [{ name: t.name, description: t.description, parameters: t.parameters as never }]
            : [],
        ),
        ...request.handoffs.map((h) => ({ name: h.toolName, description: h.toolDescription })),
      ],
      parallelToolCalls: request.modelSettings.parallelToolCalls !== false,
    });
    const step = items.filter((item) => "role" in item && item.role === "assistant").length;
    const output = outputOf(reply, step);
    const inputTokens = tokensOf(JSON.stringify(items));
    const outputTokens = tokensOf(JSON.stringify(output));
    return {
      reply,
      output,
      id: `offline-resp-${step}-${inputTokens}`,
      usage: { requests: 1, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    };
  }
}

export class OfflineModelProvider implements ModelProvider {
  getModel(modelName?: string): Model {
    return new OfflineAgentsModel(modelName ?? "gpt-4o");
  }
}

function userItem(text: string): AgentInputItem {
  return { role: "user", content: text };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part: { text?: string }) => part.text ?? "").join("");
}

function messagesOf(items: AgentInputItem[]): OfflineMessage[] {
  const names = new Map<string, string>();
  const messages: OfflineMessage[] = [];
  for (const item of items as Record<string, unknown>[]) {
    if (item.role === "user" || item.role === "assistant") {
      messages.push({ role: item.role, text: textOf(item.content) });
    } else if (item.type === "function_call") {
      names.set(String(item.callId), String(item.name));
      messages.push({ role: "assistant", text: "" });
    } else if (item.type === "function_call_result") {
      const output = item.output as { text?: string } | string;
      messages.push({
        role: "tool",
        toolName: names.get(String(item.callId)) ?? String(item.name),
        text: typeof output === "string" ? output : (output.text ?? JSON.stringify(output)),
      });
    }
  }
  return messages;
}

function outputOf(reply: OfflineReply, step: number): AgentOutputItem[] {
  return [
    ...(reply.text === undefined
      ? []
      : [
          {
            type: "message" as const,
            role: "assistant" as const,
            status: "completed" as const,
            content: [{ type: "output_text" as const, text: reply.text }],
          },
        ]),
    ...(reply.toolCalls ?? []).map((call, index) => ({
      type: "function_call" as const,
      callId: `offline_${step}_${index}`,
      name: call.name,
      arguments: JSON.stringify(call.args),
      status: "completed" as const,
    })),
  ];
}
