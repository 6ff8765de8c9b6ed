/**
 * `publishChatStream`: publishes an agent turn's UI message stream (the chunks `useChat`
 * renders) to the chat's durable `ChatStreams` log, from inside the Restate handler running it.
 *
 * Text arrives at the browser while the model streams; the log keeps every chunk in Restate, so
 * a client that reloads or reconnects continues from its offset. A crash in the middle of a model
 * step shows as that step superseded (`reset-step`) and streamed again; replayed steps add
 * nothing. Writes are batched per time, not per token. Approvals of `durableApproval` show as
 * approval requests whose id is the awakeable's, answered through the chat endpoint.
 */
import { ChatStreamPublisher, type ChatStreamTarget, type UIChunk } from "@restate-ai/core";
import type { Context } from "@restatedev/restate-sdk";
import type { UIMessage, UIMessageChunk, UIMessageStreamOptions } from "ai";

/** A `streamText` / `ToolLoopAgent.stream` result, or anything else with a UI message stream. */
export interface HasUIMessageStream {
  toUIMessageStream(options?: UIMessageStreamOptions<UIMessage>): ReadableStream<UIMessageChunk>;
}

export interface PublishChatStreamOptions extends ChatStreamTarget {
  /**
   * Options of `toUIMessageStream` (`sendReasoning`, `messageMetadata`, `onError`, ...). Pass the
   * chat's `originalMessages` to continue an assistant message; the response message's id is
   * derived from the turn id, so it is the same on every execution.
   */
  uiMessageStream?: UIMessageStreamOptions<UIMessage>;
}

/**
 * Runs `start` (which calls `streamText`, `agent.stream`, or returns a UI message chunk stream)
 * and publishes its UI message stream to the chat; resolves with `start`'s result once the whole
 * stream is in the log.
 *
 * ```ts
 * const result = await publishChatStream(ctx, { chatId, turnId }, () =>
 *   streamText({ model, messages: convertToModelMessages(messages), tools }),
 * );
 * return { text: await result.text };
 * ```
 *
 * The model must be wrapped with `durableCalls(ctx)`: its steps tell the publisher whether they
 * run live or are replayed. Call it once per handler execution, and do not stream other model
 * calls of the same context (e.g. in a tool) while it runs.
 */
export async function publishChatStream<
  R extends HasUIMessageStream | ReadableStream<UIMessageChunk>,
>(ctx: Context, options: PublishChatStreamOptions, start: () => R | PromiseLike<R>): Promise<R> {
  const { uiMessageStream, ...target } = options;
  const publisher = new ChatStreamPublisher(ctx, target);
  let started: R;
  try {
    started = await start();
  } catch (error) {
    publisher.release();
    throw error;
  }
  const chunks =
    started instanceof ReadableStream
      ? started
      : started.toUIMessageStream({
          generateMessageId: () => `${target.turnId}-assistant`,
          ...uiMessageStream,
        });
  await publisher.publish(chunks as ReadableStream<UIChunk>);
  return started;
}
