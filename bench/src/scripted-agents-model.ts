/**
 * The scripted model as an Agents SDK `Model`: the same steps as the AI SDK contenders, as the
 * Responses-API items the runner consumes.
 */
import {
  type AgentOutputItem,
  type Model,
  type ModelRequest,
  type ModelResponse,
  type StreamEvent,
  type StreamEventResponseCompleted,
  Usage,
} from "@openai/agents";
import { scriptedStep } from "./scripted-step.ts";

export class ScriptedAgentsModel implements Model {
  private readonly latencyMs: number;

  constructor(latencyMs: number) {
    this.latencyMs = latencyMs;
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const { output, usage, responseId } = await this.step(request);
    return { output, usage: new Usage(usage), responseId };
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const { output, usage, responseId } = await this.step(request);
    yield { type: "response_started" };
    const response = { id: responseId, usage, output } as StreamEventResponseCompleted["response"];
    yield { type: "response_done", response };
  }

  private async step(request: ModelRequest) {
    const items = typeof request.input === "string" ? [] : request.input;
    const k = items.filter((item) => item.type === "function_call_result").length;
    const step = await scriptedStep(k, this.latencyMs);
    const output: AgentOutputItem[] = [
      {
        type: "function_call",
        callId: step.toolCallId,
        name: step.toolName,
        arguments: step.input,
        status: "completed",
      },
    ];
    const { inputTokens, outputTokens } = step.usage;
    const usage = {
      requests: 1,
      inputTokens,
      outputTokens,
      totalTokens: inputTokens + outputTokens,
    };
    return { output, usage, responseId: `resp_${k}` };
  }
}
