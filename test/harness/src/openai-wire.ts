/**
 * OpenAI wire formats the fake API answers with: Chat Completions (JSON and SSE chunks),
 * Responses (JSON and SSE events) and embeddings, shaped like the real API so the real
 * `@ai-sdk/openai` and `openai` clients parse them unchanged.
 */
import { randomUUID } from "node:crypto";
import type { ModelRequest, ModelTurn } from "./conversation.ts";

export interface SseEvent {
  event?: string;
  data: unknown;
}

const USAGE = { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 };

function toolCalls(turn: ModelTurn, request: ModelRequest) {
  return (turn.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${request.step}_${index}`,
    name: call.name,
    arguments: call.rawArguments ?? JSON.stringify(call.args),
  }));
}

function splitText(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

export function chatCompletion(turn: ModelTurn, request: ModelRequest) {
  const calls = toolCalls(turn, request);
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: turn.text ?? null,
          ...(calls.length === 0
            ? {}
            : {
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: "function",
                  function: { name: call.name, arguments: call.arguments },
                })),
              }),
        },
        finish_reason: calls.length > 0 ? "tool_calls" : "stop",
      },
    ],
    usage: USAGE,
  };
}

export function chatCompletionChunks(turn: ModelTurn, request: ModelRequest): SseEvent[] {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: unknown, finish: string | null = null) => ({
    data: {
      id,
      object: "chat.completion.chunk",
      created,
      model: request.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    },
  });
  const events: SseEvent[] = [chunk({ role: "assistant", content: "" })];
  for (const piece of splitText(turn.text ?? "")) events.push(chunk({ content: piece }));
  toolCalls(turn, request).forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [
          { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
        ],
      }),
    );
    events.push(chunk({ tool_calls: [{ index, function: { arguments: call.arguments } }] }));
  });
  events.push(chunk({}, (turn.toolCalls ?? []).length > 0 ? "tool_calls" : "stop"));
  events.push({
    data: {
      id,
      object: "chat.completion.chunk",
      created,
      model: request.model,
      choices: [],
      usage: USAGE,
    },
  });
  events.push({ data: "[DONE]" });
  return events;
}

type OutputItem = Record<string, unknown> & { type: string; id: string; arguments?: string };

function responseOutput(turn: ModelTurn, request: ModelRequest): OutputItem[] {
  const output: OutputItem[] = [];
  if (turn.text !== undefined) {
    output.push({
      type: "message",
      id: `msg_${randomUUID().replaceAll("-", "")}`,
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: turn.text, annotations: [], logprobs: [] }],
    });
  }
  for (const call of toolCalls(turn, request)) {
    output.push({
      type: "function_call",
      id: `fc_${randomUUID().replaceAll("-", "")}`,
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
      status: "completed",
    });
  }
  return output;
}

function responseEnvelope(request: ModelRequest, status: string, output: OutputItem[]) {
  return {
    id: `resp_${randomUUID().replaceAll("-", "")}`,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: request.model,
    output,
    parallel_tool_calls: true,
    tool_choice: "auto",
    tools: [],
    usage: {
      input_tokens: USAGE.prompt_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: USAGE.completion_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: USAGE.total_tokens,
    },
  };
}

export function responsesResponse(turn: ModelTurn, request: ModelRequest) {
  return responseEnvelope(request, "completed", responseOutput(turn, request));
}

export function responsesEvents(turn: ModelTurn, request: ModelRequest): SseEvent[] {
  const complete = responsesResponse(turn, request);
  const started = { ...complete, status: "in_progress", output: [], usage: null };
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>): SseEvent => ({
    event: type,
    data: { type, sequence_number: sequence++, ...data },
  });
  const events: SseEvent[] = [
    event("response.created", { response: started }),
    event("response.in_progress", { response: started }),
  ];
  complete.output.forEach((item, outputIndex) => {
    if (item.type === "message") {
      const text = turn.text ?? "";
      const itemId = item.id;
      events.push(
        event("response.output_item.added", {
          output_index: outputIndex,
          item: { ...item, status: "in_progress", content: [] },
        }),
        event("response.content_part.added", {
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          part: { type: "output_text", text: "", annotations: [] },
        }),
      );
      for (const delta of splitText(text)) {
        events.push(
          event("response.output_text.delta", {
            item_id: itemId,
            output_index: outputIndex,
            content_index: 0,
            delta,
            logprobs: [],
          }),
        );
      }
      events.push(
        event("response.output_text.done", {
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          text,
          logprobs: [],
        }),
        event("response.content_part.done", {
          item_id: itemId,
          output_index: outputIndex,
          content_index: 0,
          part: { type: "output_text", text, annotations: [] },
        }),
      );
    } else {
      events.push(
        event("response.output_item.added", {
          output_index: outputIndex,
          item: { ...item, status: "in_progress", arguments: "" },
        }),
        event("response.function_call_arguments.delta", {
          item_id: item.id,
          output_index: outputIndex,
          delta: item.arguments,
        }),
        event("response.function_call_arguments.done", {
          item_id: item.id,
          output_index: outputIndex,
          arguments: item.arguments,
        }),
      );
    }
    events.push(event("response.output_item.done", { output_index: outputIndex, item }));
  });
  events.push(event("response.completed", { response: complete }));
  return events;
}

/** Deterministic unit vectors, so equal inputs get equal embeddings. */
export function embeddings(inputs: string[], model: string, dimensions = 8) {
  return {
    object: "list",
    model,
    data: inputs.map((input, index) => ({
      object: "embedding",
      index,
      embedding: Array.from({ length: dimensions }, (_, d) => {
        let hash = d + 1;
        for (const char of input) hash = (hash * 31 + char.charCodeAt(0)) % 1000;
        return hash / 1000;
      }),
    })),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  };
}

export function errorBody(status: number, message?: string) {
  const type =
    status === 401
      ? "invalid_request_error"
      : status === 429
        ? "rate_limit_exceeded"
        : "server_error";
  return {
    error: {
      message: message ?? `fake OpenAI answered ${status}`,
      type,
      param: null,
      code: status === 401 ? "invalid_api_key" : null,
    },
  };
}
