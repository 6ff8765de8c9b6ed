/**
 * Publishes a turn's UI message chunks to its chat's `ChatStreams` log, from inside the handler
 * running the turn, without adding anything to the handler's journal.
 *
 * - Chunks are appended through the Restate ingress, in order, one batch in flight at a time.
 *   A batch is sent at most every `flushIntervalMs` (default 50 ms) after the previous one; the
 *   first content chunk of a step, an approval request and the end of the stream go at once. So the writes per model step
 *   are bounded by its duration, never by its number of tokens.
 * - Every chunk carries its replay-invariant position and whether its model step runs live in
 *   this attempt (learned from the run observer): the log drops what it already has, so a replay
 *   re-sends nothing new, and supersedes the partial step of an earlier attempt.
 * - A live model step is journaled only once the log knows this attempt runs it; an approval is
 *   waited for only once its request chunk is in the log, so a suspended turn shows it.
 * - A failed batch is sent again: the log keeps chunks by position, so a batch it applied already
 *   adds nothing (no ingress idempotency key needed). When the log refuses this attempt (a later
 *   one took over, or the turn was stopped) publishing stops quietly.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { type Context, type JournalValueCodec, TerminalError } from "@restatedev/restate-sdk";
import {
  type AppendItem,
  type AppendResult,
  chunkUnits,
  type UIChunk,
} from "./chat-stream-protocol.js";
import type { ApprovalRequest } from "./human-approval.js";
import { type IngressUrlList, IngressUrls } from "./ingress-failover.js";
import { EncryptedAnswerError, ingressAnswer, ingressBody, ingressCodec } from "./ingress-json.js";
import { observeRun } from "./run-observer.js";

export interface ChatStreamTarget {
  /** The chat (the key of its `ChatStreams` object). */
  chatId: string;
  /** The turn, e.g. the id of the user message it answers. */
  turnId: string;
  /**
   * Restate ingress to append through, or the ingress of each node of a cluster (the next one is
   * used when a node is down). Default `$RESTATE_INGRESS_URL` (which may list several, separated
   * by commas), else `http://localhost:8080`.
   */
  ingressUrl?: IngressUrlList;
  /** Name of the `ChatStreams` object. Default `ChatStreams`. */
  streams?: string;
  /** Least time between two batches, in ms. Default 50. */
  flushIntervalMs?: number;
  /** Extra headers of the append requests (e.g. ingress authentication). */
  headers?: Record<string, string>;
  /**
   * The journal codec of the `ChatStreams` object's endpoint, when it encrypts journals. Default:
   * the codec of this process's `journalEncryption()`, if any.
   */
  journalValueCodec?: JournalValueCodec;
}

const MAX_BATCH = 512;
const SEND_ATTEMPTS = 6;

interface Pending {
  item: AppendItem;
  done: PromiseWithResolvers<void>;
}

export class ChatStreamPublisher {
  private readonly target: Required<
    Omit<ChatStreamTarget, "headers" | "journalValueCodec" | "ingressUrl">
  > & {
    headers: Record<string, string>;
  };
  private readonly codec: Promise<JournalValueCodec | undefined>;
  private readonly ingress: IngressUrls;
  private readonly invocationId: string;
  /** Sorts by start time (base 36, fixed width), then at random. */
  private readonly attempt = [Date.now().toString(36).padStart(10, "0"), randomUUID()].join(".");
  private readonly signal: AbortSignal;
  private readonly detach: () => void;
  private modelSteps = 0;
  private readonly liveSteps = new Set<number>();
  private seg = 0;
  private pos = 0;
  private readonly contentSent = new Set<number>();
  private queue: Pending[] = [];
  private sending = false;
  private urgent = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The stream's opening chunks wait for its first content (or the interval), not go alone. */
  private lastSent = Date.now();
  private stopped: { error?: unknown } | undefined;
  private readonly toolCallsSeen = new Set<string>();
  private readonly approvalFor = new Map<string, string>();
  private readonly approvalsAwaitingCall = new Map<string, PromiseWithResolvers<void>>();
  private readonly sdkApprovals = new Map<string, string>();
  /** Batches sent, for tests and benchmarks. */
  sentBatches = 0;

  constructor(ctx: Context, target: ChatStreamTarget) {
    if (typeof target.chatId !== "string" || target.chatId === "") {
      throw new TerminalError("chat stream: chatId must be a non-empty string");
    }
    if (typeof target.turnId !== "string" || target.turnId === "") {
      throw new TerminalError("chat stream: turnId must be a non-empty string");
    }
    this.target = {
      chatId: target.chatId,
      turnId: target.turnId,
      streams: target.streams ?? "ChatStreams",
      flushIntervalMs: target.flushIntervalMs ?? 50,
      headers: target.headers ?? {},
    };
    this.codec = ingressCodec(target.journalValueCodec);
    try {
      this.ingress = new IngressUrls(
        target.ingressUrl ?? process.env.RESTATE_INGRESS_URL ?? "http://localhost:8080",
        `chat stream ${target.chatId}`,
      );
    } catch (error) {
      throw new TerminalError((error as Error).message);
    }
    this.invocationId = ctx.request().id;
    this.signal = ctx.request().attemptCompletedSignal;
    this.signal.addEventListener("abort", () => this.stop(this.signal.reason), { once: true });
    this.detach = observeRun(ctx, {
      modelStep: () => {
        const step = ++this.modelSteps;
        return {
          live: () => {
            this.liveSteps.add(step);
            const claimed = this.enqueue({ claim: step }, false);
            // the step waits for its claim only when it ends: then the claim goes at once
            return () => {
              this.urgent = true;
              this.schedule();
              return claimed;
            };
          },
          replayed: () => {},
        };
      },
      approvalRequested: (request) => this.approvalRequested(request),
    });
  }

  /** Publishes every chunk of `chunks`, then the end of the stream; resolves once they are in the log. */
  async publish(chunks: AsyncIterable<UIChunk> | ReadableStream<UIChunk>): Promise<void> {
    try {
      for await (const chunk of chunks as AsyncIterable<UIChunk>) this.write(chunk);
      await this.enqueue({ close: true }, true);
    } finally {
      this.detach();
    }
  }

  /** Stops following the run without publishing (e.g. when starting the run failed). */
  release(): void {
    this.detach();
  }

  /** Adds one chunk of the turn's UI message stream. */
  write(chunk: UIChunk): void {
    const shown = this.rewriteApproval(this.withMessageId(chunk));
    if (shown === undefined || this.stopped !== undefined) return;
    if (shown.type === "start-step") {
      this.seg++;
      this.pos = 0;
    }
    const units = chunkUnits(shown);
    if (units === 0) return;
    const firstContent = shown.type.endsWith("-delta") && !this.contentSent.has(this.seg);
    if (firstContent) this.contentSent.add(this.seg);
    this.place(shown, units, firstContent);
    if (shown.type === "tool-input-available" && typeof shown.toolCallId === "string") {
      this.toolCallsSeen.add(shown.toolCallId);
      const waiting = this.approvalsAwaitingCall.get(shown.toolCallId);
      if (waiting !== undefined) {
        this.approvalsAwaitingCall.delete(shown.toolCallId);
        this.showApproval(shown.toolCallId).then(waiting.resolve, waiting.reject);
      }
    }
  }

  /** The assistant message needs the same id on every execution, or a replay would add another. */
  private withMessageId(chunk: UIChunk): UIChunk {
    if (chunk.type !== "start" || typeof chunk.messageId === "string") return chunk;
    return { ...chunk, messageId: `${this.target.turnId}-assistant` };
  }

  private place(chunk: UIChunk, units: number, urgent: boolean): Promise<void> {
    const item: AppendItem = {
      chunk,
      seg: this.seg,
      pos: this.pos,
      live: this.liveSteps.has(this.seg),
    };
    this.pos += units;
    return this.enqueue(item, urgent);
  }

  private approvalRequested(request: ApprovalRequest): PromiseLike<void> | undefined {
    if (request.awakeableId === undefined || this.stopped !== undefined) return undefined;
    this.approvalFor.set(request.toolCallId, request.awakeableId);
    if (this.toolCallsSeen.has(request.toolCallId)) return this.showApproval(request.toolCallId);
    const waiting = Promise.withResolvers<void>();
    this.approvalsAwaitingCall.set(request.toolCallId, waiting);
    return waiting.promise;
  }

  private showApproval(toolCallId: string): Promise<void> {
    const approvalId = this.approvalFor.get(toolCallId) as string;
    return this.place({ type: "tool-approval-request", approvalId, toolCallId }, 1, true);
  }

  /**
   * The AI SDK reports a decision of `toolApproval` with ids of its own, new on every execution:
   * the request was shown already (with the awakeable's id), so only the answer is kept, under it.
   * An answer that names its tool call instead gets the awakeable's id too.
   */
  private rewriteApproval(chunk: UIChunk): UIChunk | undefined {
    const toolCallId = typeof chunk.toolCallId === "string" ? chunk.toolCallId : undefined;
    if (chunk.type === "tool-approval-request" && toolCallId !== undefined) {
      if (!this.approvalFor.has(toolCallId)) return chunk;
      this.sdkApprovals.set(String(chunk.approvalId), toolCallId);
      return undefined;
    }
    if (chunk.type === "tool-approval-response") {
      const call = this.sdkApprovals.get(String(chunk.approvalId)) ?? toolCallId;
      const approvalId = call === undefined ? undefined : this.approvalFor.get(call);
      return approvalId === undefined ? chunk : { ...chunk, approvalId };
    }
    return chunk;
  }

  private enqueue(item: AppendItem, urgent: boolean): Promise<void> {
    const done = Promise.withResolvers<void>();
    done.promise.catch(() => {});
    if (this.stopped !== undefined) {
      if (this.stopped.error === undefined) done.resolve();
      else done.reject(this.stopped.error);
      return done.promise;
    }
    this.queue.push({ item, done });
    this.urgent ||= urgent;
    this.schedule();
    return done.promise;
  }

  private schedule(): void {
    if (this.sending || this.queue.length === 0 || this.stopped !== undefined) return;
    const wait = this.urgent ? 0 : this.lastSent + this.target.flushIntervalMs - Date.now();
    if (wait <= 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.sendBatch();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, wait);
    }
  }

  private async sendBatch(): Promise<void> {
    this.sending = true;
    this.urgent = false;
    this.lastSent = Date.now();
    const batch = this.queue.splice(0, MAX_BATCH);
    try {
      const result = await this.append(batch.map((pending) => pending.item));
      for (const pending of batch) pending.done.resolve();
      if (!result.accepted) this.stop(undefined);
    } catch (error) {
      for (const pending of batch) pending.done.reject(error);
      this.stop(error);
    } finally {
      this.sending = false;
    }
    this.schedule();
  }

  private async append(items: AppendItem[]): Promise<AppendResult> {
    const { streams, chatId, turnId, headers } = this.target;
    const path = `${streams}/${encodeURIComponent(chatId)}/append`;
    const codec = await this.codec;
    const body = ingressBody(
      { turnId, invocationId: this.invocationId, attempt: this.attempt, items },
      codec,
    );
    let failure: unknown;
    for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(50 * 2 ** attempt);
      if (this.signal.aborted) throw this.signal.reason;
      try {
        const response = await this.ingress.fetch(path, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body,
        });
        if (response.ok) {
          const result = (await ingressAnswer(
            response,
            codec,
            `chat stream ${chatId}: ${streams}/append`,
          ).catch((error: unknown) => {
            // a missing codec or a garbled answer stays so on a retry; a wrong key may be fixed
            if (error instanceof EncryptedAnswerError || error instanceof SyntaxError) {
              throw new TerminalError((error as Error).message);
            }
            throw error;
          })) as AppendResult;
          this.sentBatches++;
          return result;
        }
        const text = await response.text();
        failure = new Error(
          `chat stream ${chatId}: appending failed (${response.status}): ${text}`,
        );
        if (response.status === 400 || response.status === 404) {
          throw new TerminalError(
            `chat stream ${chatId}: ${streams}/append answered ${response.status} (is the ${streams} object registered?): ${text}`,
          );
        }
      } catch (error) {
        if (error instanceof TerminalError) throw error;
        failure = error;
      }
    }
    throw failure;
  }

  private stop(error: unknown): void {
    if (this.stopped !== undefined) return;
    this.stopped = error === undefined ? {} : { error };
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const pending of this.queue.splice(0)) {
      if (error === undefined) pending.done.resolve();
      else pending.done.reject(error);
    }
    for (const waiting of this.approvalsAwaitingCall.values()) waiting.resolve();
    this.approvalsAwaitingCall.clear();
  }
}
