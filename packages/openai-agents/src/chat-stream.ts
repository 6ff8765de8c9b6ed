/**
 * `publishAgentRun`: runs an agent with `DurableRunner` (streamed) and publishes the run to the
 * chat's durable `ChatStreams` log as the AI SDK's UI message chunks — the protocol `useChat`
 * renders — so the same chat UI drives an `@openai/agents` agent.
 *
 * Each model call is a step (`start-step` ... `finish-step`): text deltas while the model streams,
 * tool calls (`tool-input-available`) and results (`tool-output-available`), handoffs as a data
 * part. Tools that need approval (`needsApproval`) are asked about in the UI: the run waits,
 * suspended, on an awakeable per call, whose id is the approval id the UI answers with; then it
 * continues streaming. Crashes, replays and retries behave as for `publishChatStream`.
 */
import type {
  Agent,
  AgentInputItem,
  RunState,
  RunStreamEvent,
  RunToolApprovalItem,
  StreamedRunResult,
  StreamRunOptions,
} from "@openai/agents";
import {
  type ApprovalOptions,
  awaitApproval,
  ChatStreamPublisher,
  type ChatStreamTarget,
  type UIChunk,
} from "@restate-ai/core";
import type { Context } from "@restatedev/restate-sdk";
import type { DurableRunner } from "./durable-runner.js";

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type
type AnyAgent = Agent<any, any>;

export interface PublishAgentRunOptions<TContext, TAgent extends AnyAgent>
  extends ChatStreamTarget {
  /** Run options of the Agents SDK (`context`, `maxTurns`, ...); the run is always streamed. */
  run?: Omit<StreamRunOptions<TContext, TAgent>, "stream">;
  /** Deny an approval nobody answered within this time; reviewers can also be told (`onRequest`). */
  approvals?: Partial<Omit<ApprovalOptions, "via">>;
}

/**
 * Runs `agent` on `input` with `runner`, streamed, and publishes the run to the chat; resolves
 * with the last streamed result once the whole stream is in the log.
 *
 * ```ts
 * const runner = new DurableRunner(ctx);
 * const result = await publishAgentRun(ctx, runner, agent, input, { chatId, turnId });
 * return result.finalOutput;
 * ```
 */
export async function publishAgentRun<TAgent extends AnyAgent, TContext = undefined>(
  ctx: Context,
  runner: DurableRunner,
  agent: TAgent,
  input: string | AgentInputItem[],
  options: PublishAgentRunOptions<TContext, TAgent>,
): Promise<StreamedRunResult<TContext, TAgent>> {
  const { run: runOptions, approvals, ...target } = options;
  const publisher = new ChatStreamPublisher(ctx, target);
  const approval: ApprovalOptions = { onRequest: () => {}, ...approvals };
  let last: StreamedRunResult<TContext, TAgent> | undefined;
  const chunks = async function* (): AsyncIterable<UIChunk> {
    const ui = new RunToUIChunks();
    yield { type: "start" };
    let next: string | AgentInputItem[] | RunState<TContext, TAgent> = input;
    for (;;) {
      const result: StreamedRunResult<TContext, TAgent> = await runner.run<TAgent, TContext>(
        agent,
        next,
        { ...runOptions, stream: true },
      );
      last = result;
      for await (const event of result as AsyncIterable<RunStreamEvent>) yield* ui.convert(event);
      await result.completed;
      if (result.interruptions.length === 0) break;
      for (const item of result.interruptions) {
        const subject = subjectOf(item);
        const decision = await awaitApproval(ctx, subject, approval);
        if (decision.approved) result.state.approve(item);
        else
          result.state.reject(
            item,
            decision.reason === undefined ? {} : { message: decision.reason },
          );
        yield* ui.answered(subject.toolCallId, decision.approved, decision.reason);
      }
      next = result.state;
    }
    yield* ui.end();
  };
  try {
    await publisher.publish(chunks());
  } catch (error) {
    publisher.release();
    throw error;
  }
  return last as StreamedRunResult<TContext, TAgent>;
}

/** Turns the events of streamed runs into UI message chunks, one step per model call. */
class RunToUIChunks {
  private step = 0;
  private inStep = false;
  private textOpen = false;
  private readonly calls = new Set<string>();
  private readonly denied = new Set<string>();

  *convert(event: RunStreamEvent): Iterable<UIChunk> {
    if (event.type === "raw_model_stream_event") {
      const data = event.data;
      if (data.type === "response_started") {
        yield* this.closeStep();
        this.step++;
        this.inStep = true;
        yield { type: "start-step" };
      } else if (data.type === "output_text_delta" && data.delta !== "") {
        if (!this.textOpen) {
          this.textOpen = true;
          yield { type: "text-start", id: this.textId() };
        }
        yield { type: "text-delta", id: this.textId(), delta: data.delta };
      } else if (data.type === "response_done") {
        yield* this.closeText();
      }
      return;
    }
    if (event.type === "agent_updated_stream_event") {
      yield { type: "data-agent", data: { name: event.agent.name } };
      return;
    }
    const raw = event.item.rawItem as { callId?: string; name?: string; arguments?: string };
    if (
      (event.name === "tool_called" || event.name === "tool_approval_requested") &&
      raw.callId !== undefined
    ) {
      if (this.calls.has(raw.callId)) return;
      this.calls.add(raw.callId);
      yield {
        type: "tool-input-available",
        toolCallId: raw.callId,
        toolName: raw.name ?? "tool",
        input: parseArguments(raw.arguments),
        dynamic: true,
      };
    } else if (
      event.name === "tool_output" &&
      raw.callId !== undefined &&
      !this.denied.has(raw.callId)
    ) {
      const output = (event.item as { output?: unknown }).output;
      yield {
        type: "tool-output-available",
        toolCallId: raw.callId,
        output: output ?? null,
        dynamic: true,
      };
    }
  }

  /** The request was published when the run started waiting; the publisher adds its id here. */
  *answered(toolCallId: string, approved: boolean, reason?: string): Iterable<UIChunk> {
    yield {
      type: "tool-approval-response",
      toolCallId,
      approved,
      ...(reason === undefined ? {} : { reason }),
    };
    if (!approved) {
      this.denied.add(toolCallId);
      yield { type: "tool-output-denied", toolCallId };
    }
  }

  *end(): Iterable<UIChunk> {
    yield* this.closeStep();
    yield { type: "finish", finishReason: "stop" };
  }

  private textId(): string {
    return `text-${this.step}`;
  }

  private *closeText(): Iterable<UIChunk> {
    if (!this.textOpen) return;
    this.textOpen = false;
    yield { type: "text-end", id: this.textId() };
  }

  private *closeStep(): Iterable<UIChunk> {
    yield* this.closeText();
    if (!this.inStep) return;
    this.inStep = false;
    yield { type: "finish-step" };
  }
}

function subjectOf(item: RunToolApprovalItem) {
  const raw = item.rawItem as { callId?: string; id?: string; arguments?: string };
  const toolCallId = raw.callId ?? raw.id;
  if (toolCallId === undefined) throw new Error(`approval item of ${item.name} has no call id`);
  return { toolCallId, toolName: item.name ?? "tool", input: parseArguments(item.arguments) };
}

function parseArguments(args: string | undefined): unknown {
  if (args === undefined || args === "") return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}
