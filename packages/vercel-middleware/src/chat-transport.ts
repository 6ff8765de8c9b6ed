/**
 * `RestateChatTransport`: the browser side of durable chat streams — a `ChatTransport` for the
 * AI SDK's `useChat` that talks to the chat endpoint (see `chatEndpoint`).
 *
 * - `sendMessages` starts a turn and streams it; `reconnectToStream` continues the chat's current
 *   turn from its beginning (the stream is a replay: `resumeStreamIsReplay`), so
 *   `useChat({ transport, resume: true })` shows a running turn again after a reload.
 * - A dropped connection is resumed from the last offset received (every SSE event's `id`), so
 *   no chunk is lost or shown twice.
 * - `stop` cancels the turn's Restate invocation (closing the connection would not);
 *   `respondToApproval` answers an approval request the turn waits for.
 * Browser code: it imports neither the Restate SDK nor Node modules.
 */
import type { ChatRequestOptions, ChatTransport, UIMessage, UIMessageChunk } from "ai";
import { EventSourceParserStream } from "eventsource-parser/stream";

type Resolvable<T> = T | (() => T);

export interface RestateChatTransportOptions {
  /** Where the chat endpoint is mounted. Default `/api/chat`. */
  api?: string;
  /** Headers of every request. */
  headers?: Resolvable<Record<string, string>>;
  /** Extra fields of the request that starts a turn (e.g. which agent to talk to). */
  body?: Resolvable<Record<string, unknown>>;
  /** The `fetch` to use. Default: the global one. */
  fetch?: typeof fetch;
  /** How often a dropped connection is resumed before the stream fails. Default 5. */
  maxReconnects?: number;
}

export interface ApprovalResponse {
  chatId: string;
  /** The `approvalId` of the `tool-approval-request` chunk. */
  approvalId: string;
  approved: boolean;
  reason?: string;
}

/** A chat endpoint answered with an error; `status` is its HTTP status. */
export class ChatEndpointError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "ChatEndpointError";
    this.status = status;
  }
}

export class RestateChatTransport<UI_MESSAGE extends UIMessage = UIMessage>
  implements ChatTransport<UI_MESSAGE>
{
  readonly resumeStreamIsReplay = true;
  private readonly api: string;
  private readonly options: RestateChatTransportOptions;

  constructor(options: RestateChatTransportOptions = {}) {
    this.options = options;
    this.api = (options.api ?? "/api/chat").replace(/\/$/, "");
  }

  async sendMessages(
    options: Parameters<ChatTransport<UI_MESSAGE>["sendMessages"]>[0],
  ): Promise<ReadableStream<UIMessageChunk>> {
    const { chatId, messages, trigger, messageId, abortSignal } = options;
    const response = await this.request(this.api, options, {
      method: "POST",
      body: JSON.stringify({
        ...resolve(this.options.body),
        ...(options.body as Record<string, unknown> | undefined),
        id: chatId,
        messages,
        trigger,
        ...(messageId === undefined ? {} : { messageId }),
      }),
      ...(abortSignal === undefined ? {} : { signal: abortSignal }),
    });
    return this.stream(chatId, response, 0, options);
  }

  async reconnectToStream(
    options: { chatId: string; abortSignal?: AbortSignal } & ChatRequestOptions,
  ): Promise<ReadableStream<UIMessageChunk> | null> {
    const response = await this.resumeFrom(options.chatId, 0, options);
    return response === null ? null : this.stream(options.chatId, response, 0, options);
  }

  /**
   * Stops the chat's running turn: cancels its Restate invocation; its stream ends with an
   * `abort` chunk. Resolves `false` when no turn was running.
   */
  async stop(chatId: string, options: ChatRequestOptions = {}): Promise<boolean> {
    const response = await this.fetchRaw(this.route(chatId, "stop"), options, { method: "POST" });
    if (response.status === 409 || response.status === 404) return false;
    await check(response);
    return true;
  }

  /** Answers an approval request of the chat's running turn. */
  async respondToApproval(
    answer: ApprovalResponse,
    options: ChatRequestOptions = {},
  ): Promise<void> {
    const { chatId, ...body } = answer;
    await this.request(this.route(chatId, "approvals"), options, {
      method: "POST",
      body: JSON.stringify(body),
    });
  }

  private route(chatId: string, action: string): string {
    return `${this.api}/${encodeURIComponent(chatId)}/${action}`;
  }

  private async resumeFrom(
    chatId: string,
    from: number,
    options: { abortSignal?: AbortSignal } & ChatRequestOptions,
  ): Promise<Response | null> {
    const response = await this.fetchRaw(
      `${this.route(chatId, "stream")}?startIndex=${from}`,
      options,
      {
        method: "GET",
        ...(options.abortSignal === undefined ? {} : { signal: options.abortSignal }),
      },
    );
    if (response.status === 204 || response.status === 404 || response.status === 410) return null;
    await check(response);
    return response;
  }

  /** The turn's chunks, resuming a dropped connection from the last offset received. */
  private stream(
    chatId: string,
    first: Response,
    from: number,
    options: { abortSignal?: AbortSignal } & ChatRequestOptions,
  ): ReadableStream<UIMessageChunk> {
    const maxReconnects = this.options.maxReconnects ?? 5;
    let next = from;
    let response: Response | null = first;
    let events: ReadableStreamDefaultReader<{ id?: string; data: string }> | undefined;
    let reconnects = 0;
    const open = (body: ReadableStream<Uint8Array>) =>
      body
        .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
        .pipeThrough(new EventSourceParserStream())
        .getReader();
    return new ReadableStream<UIMessageChunk>({
      pull: async (controller) => {
        for (;;) {
          if (events === undefined) {
            if (response === null || response.body === null) {
              controller.close();
              return;
            }
            events = open(response.body);
          }
          let read: ReadableStreamReadResult<{ id?: string; data: string }>;
          try {
            read = await events.read();
          } catch (error) {
            if (options.abortSignal?.aborted || reconnects >= maxReconnects) throw error;
            read = { done: true, value: undefined };
          }
          if (!read.done) {
            const { id, data } = read.value;
            if (data === "[DONE]") {
              controller.close();
              return;
            }
            if (id !== undefined && /^\d+$/.test(id)) next = Number(id) + 1;
            reconnects = 0;
            controller.enqueue(JSON.parse(data) as UIMessageChunk);
            return;
          }
          // the connection ended before the stream did: continue where it stopped
          if (options.abortSignal?.aborted) {
            controller.close();
            return;
          }
          if (reconnects >= maxReconnects) {
            throw new ChatEndpointError(
              0,
              `The stream of chat ${chatId} was interrupted ${reconnects} times.`,
            );
          }
          reconnects++;
          events = undefined;
          await new Promise((done) => setTimeout(done, 100 * 2 ** reconnects));
          response = await this.resumeFrom(chatId, next, options).catch((error: unknown) => {
            if (reconnects >= maxReconnects) throw error;
            return new Response(new ReadableStream({ start: (c) => c.error(error) }));
          });
        }
      },
      cancel: async () => {
        await events?.cancel().catch(() => {});
      },
    });
  }

  private async request(
    url: string,
    options: ChatRequestOptions,
    init: RequestInit,
  ): Promise<Response> {
    const response = await this.fetchRaw(url, options, init);
    await check(response);
    return response;
  }

  private fetchRaw(url: string, options: ChatRequestOptions, init: RequestInit): Promise<Response> {
    const fetchImpl = this.options.fetch ?? globalThis.fetch;
    return fetchImpl(url, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...resolve(this.options.headers),
        ...(options.headers as Record<string, string> | undefined),
      },
    });
  }
}

function resolve<T>(value: Resolvable<T> | undefined): T | undefined {
  return typeof value === "function" ? (value as () => T)() : value;
}

async function check(response: Response): Promise<void> {
  if (response.ok) return;
  let message = `The chat endpoint answered ${response.status}`;
  try {
    const body = (await response.json()) as { error?: string };
    if (typeof body.error === "string") message = body.error;
  } catch {
    // not JSON: keep the status
  }
  throw new ChatEndpointError(response.status, message);
}
