/**
 * `ChatStreams`: a Virtual Object, keyed by chat id, holding the UI message chunks of the chat's
 * current turn — the only place they live.
 *
 * - Chunks are kept in pages of {@link PAGE_SIZE} under lazy state; the last, open page lives in
 *   the metadata entry, so an append of a batch writes one entry (two when a page fills up) and a
 *   reader near the end reads one, whatever the number of chunks.
 * - Appends are idempotent by position (see `chat-stream-protocol.ts`): a replay of journaled
 *   steps adds nothing. A model step that runs again in a later attempt supersedes the partial
 *   step of the earlier one: the log gets a `reset-step` chunk, and chunks of the earlier attempt
 *   that arrive later are refused.
 * - Readers pull from an offset; a reader at the end waits (an awakeable, resolved by the next
 *   append) instead of polling. Stopping cancels the turn's invocation and ends the stream with
 *   an `abort` chunk; approvals are answered here, so only pending ones can be.
 * - A finished turn's chunks are deleted after the retention (a delayed self-send).
 */

import type { Duration } from "@restatedev/restate-sdk";
import * as restate from "@restatedev/restate-sdk";
import {
  type AppendItem,
  type AppendRequest,
  type AppendResult,
  type ApprovalAnswerRequest,
  type ApprovalAnswerResult,
  chunkUnits,
  dropUnits,
  type ReadRequest,
  type ReadResult,
  type StopResult,
  type UIChunk,
} from "./chat-stream-protocol.js";

export const PAGE_SIZE = 128;
const MAX_READ = 1000;
const MAX_WAITERS = 256;
const PAST_TURNS = 16;

export interface ChatStreamsOptions {
  /** Name of the Virtual Object. Default `ChatStreams`. */
  name?: string;
  /** How long a finished turn's chunks are kept. Default one hour. */
  retention?: Duration | number;
  /** How long a reader at the end of a running stream waits for more. Default 20 s. */
  pollTimeoutMs?: number;
}

export interface ChatStreamWaiter {
  id: string;
  from: number;
  turnId?: string;
}

interface Meta {
  turnId: string;
  invocationId: string;
  status: "running" | "done" | "stopped";
  head: number;
  tail: number;
  expired: boolean;
  /** Appends the turn took (a figure for tests and benchmarks). */
  appends: number;
  /** The chunks after the last full page: read and written with the metadata, in one entry. */
  open: UIChunk[];
  /** Segment being written, units of it in the log, attempt that runs its model step. */
  cursor: { seg: number; w: number; owner?: string };
  /** A later segment whose model step an attempt already runs. */
  claim?: { seg: number; owner: string };
  approvals: string[];
  answered: string[];
  pastTurns: string[];
}

type Ctx = restate.ObjectContext | restate.ObjectSharedContext;

interface Handlers {
  subscribe: (ctx: restate.ObjectContext, waiter: ChatStreamWaiter) => Promise<void>;
  expire: (ctx: restate.ObjectContext, turnId: string) => Promise<void>;
}

/** The `ChatStreams` Virtual Object; serve it next to the chat agents. */
export function chatStreams(options: ChatStreamsOptions = {}) {
  const name = options.name ?? "ChatStreams";
  const retention = options.retention ?? { hours: 1 };
  const pollTimeoutMs = options.pollTimeoutMs ?? 20_000;
  const self = (ctx: restate.ObjectContext | restate.ObjectSharedContext) =>
    ctx.objectSendClient<Handlers>({ name }, ctx.key);

  const settle = (ctx: restate.ObjectContext, meta: Meta, waiters: ChatStreamWaiter[] | null) =>
    notify(ctx, meta, waiters ?? []);

  const notify = async (ctx: restate.ObjectContext, meta: Meta, waiters: ChatStreamWaiter[]) => {
    if (waiters.length === 0) return;
    const waiting: ChatStreamWaiter[] = [];
    for (const waiter of waiters) {
      const result = await readNow(ctx, meta, waiter);
      if (result === undefined) waiting.push(waiter);
      else ctx.resolveAwakeable(waiter.id, result);
    }
    if (waiting.length === waiters.length) return;
    if (waiting.length === 0) ctx.clear("waiters");
    else ctx.set("waiters", waiting);
  };

  const finish = (ctx: restate.ObjectContext, meta: Meta) => {
    meta.approvals = [];
    self(ctx).expire(meta.turnId, restate.rpc.sendOpts({ delay: retention }));
  };

  return restate.object({
    name,
    handlers: {
      /** Appends a batch of a publisher (see `chat-stream-publisher.ts`). */
      append: async (ctx: restate.ObjectContext, request: AppendRequest): Promise<AppendResult> => {
        checkAppend(request);
        // both reads at once: with lazy state each is a round trip to the server
        const [stored, waiters] = await restate.RestatePromise.all([
          ctx.get<Meta>("meta") as unknown as restate.RestatePromise<Meta | null>,
          ctx.get<ChatStreamWaiter[]>("waiters") as unknown as restate.RestatePromise<
            ChatStreamWaiter[] | null
          >,
        ]);
        let meta = stored;
        if (meta === null || meta.turnId !== request.turnId) {
          if (meta?.pastTurns.includes(request.turnId)) {
            return { accepted: false, tail: meta.tail, refused: "older turn" };
          }
          meta = openTurn(ctx, meta, request);
        }
        if (meta.status !== "running") {
          return { accepted: false, tail: meta.tail, refused: "closed turn" };
        }
        meta.appends++;
        const added: UIChunk[] = [];
        let refused = false;
        for (const item of request.items) {
          if (!place(meta, item, request.attempt, added)) {
            refused = true;
            break;
          }
        }
        writeChunks(ctx, meta, added);
        for (const chunk of added) trackApproval(meta, chunk);
        if (!refused && request.items.some((item) => "close" in item)) {
          meta.status = "done";
          finish(ctx, meta);
        }
        await settle(ctx, meta, waiters);
        ctx.set("meta", meta);
        return refused
          ? { accepted: false, tail: meta.tail, refused: "superseded attempt" }
          : { accepted: true, tail: meta.tail };
      },

      /** Chunks from an offset; waits for more at the end of a running stream. */
      read: restate.handlers.object.shared(
        async (ctx: restate.ObjectSharedContext, request: ReadRequest): Promise<ReadResult> => {
          checkRead(request);
          const meta = await ctx.get<Meta>("meta");
          const now = await readNow(ctx, meta, request);
          if (now !== undefined) return now;
          // a reader that gave up stays registered until the next append: resolving its awakeable
          // then is harmless, and the list is capped
          const { id, promise } = ctx.awakeable<ReadResult>();
          self(ctx).subscribe({ id, from: request.from, ...turnOf(request, meta) });
          try {
            return await promise.orTimeout(pollTimeoutMs);
          } catch (error) {
            if (!(error instanceof restate.TimeoutError)) throw error;
            const turnId = request.turnId ?? meta?.turnId ?? "";
            return { kind: "chunks", turnId, chunks: [], next: request.from, done: false };
          }
        },
      ),

      /** Registers a waiting reader (sent by `read`). */
      subscribe: async (ctx: restate.ObjectContext, waiter: ChatStreamWaiter): Promise<void> => {
        const meta = await ctx.get<Meta>("meta");
        const now = await readNow(ctx, meta, waiter);
        if (now !== undefined) {
          ctx.resolveAwakeable(waiter.id, now);
          return;
        }
        const waiters = (await ctx.get<ChatStreamWaiter[]>("waiters")) ?? [];
        ctx.set("waiters", [...waiters, waiter].slice(-MAX_WAITERS));
      },

      /** Stops the current turn: cancels its invocation and ends its stream with `abort`. */
      stop: async (ctx: restate.ObjectContext): Promise<StopResult> => {
        const meta = await ctx.get<Meta>("meta");
        if (meta === null) return { kind: "unknown" };
        if (meta.status !== "running") return { kind: "finished", turnId: meta.turnId };
        // the data part stays in the message (so the UI can say it was stopped); `abort` ends it
        writeChunks(ctx, meta, [
          { type: "data-stopped", data: { reason: "stopped by the user" } },
          { type: "abort", reason: "stopped" },
        ]);
        meta.status = "stopped";
        ctx.invocation(restate.InvocationIdParser.fromString(meta.invocationId)).cancel();
        finish(ctx, meta);
        await settle(ctx, meta, await ctx.get<ChatStreamWaiter[]>("waiters"));
        ctx.set("meta", meta);
        return { kind: "stopped", turnId: meta.turnId, invocationId: meta.invocationId };
      },

      /** Answers a pending approval of the current turn (resolves its awakeable). */
      answerApproval: async (
        ctx: restate.ObjectContext,
        answer: ApprovalAnswerRequest,
      ): Promise<ApprovalAnswerResult> => {
        checkAnswer(answer);
        const meta = await ctx.get<Meta>("meta");
        if (meta === null) return { kind: "unknown" };
        if (!meta.approvals.includes(answer.approvalId)) {
          return meta.answered.includes(answer.approvalId)
            ? { kind: "answered-before" }
            : { kind: "unknown" };
        }
        const { approved, reason } = answer;
        ctx.resolveAwakeable(
          answer.approvalId,
          reason === undefined ? { approved } : { approved, reason },
        );
        meta.approvals = meta.approvals.filter((id) => id !== answer.approvalId);
        meta.answered = [...meta.answered, answer.approvalId].slice(-64);
        ctx.set("meta", meta);
        return { kind: "answered" };
      },

      /** Deletes a finished turn's chunks (sent to itself once the retention elapsed). */
      expire: async (ctx: restate.ObjectContext, turnId: string): Promise<void> => {
        const meta = await ctx.get<Meta>("meta");
        if (meta === null || meta.turnId !== turnId || meta.status === "running") return;
        clearPages(ctx, meta);
        meta.head = meta.tail;
        meta.expired = true;
        ctx.set("meta", meta);
      },
    },
    options: { enableLazyState: true },
  });
}

export type ChatStreams = ReturnType<typeof chatStreams>;

function openTurn(ctx: restate.ObjectContext, previous: Meta | null, request: AppendRequest): Meta {
  if (previous !== null) clearPages(ctx, previous);
  return {
    turnId: request.turnId,
    invocationId: request.invocationId,
    status: "running",
    head: 0,
    tail: 0,
    appends: 0,
    open: [],
    expired: false,
    cursor: { seg: 0, w: 0 },
    approvals: [],
    answered: [],
    pastTurns: previous === null ? [] : [...previous.pastTurns, previous.turnId].slice(-PAST_TURNS),
  };
}

/** Applies one item; `false` when the item comes from a superseded attempt. */
function place(meta: Meta, item: AppendItem, attempt: string, out: UIChunk[]): boolean {
  const cursor = meta.cursor;
  if ("close" in item) return true;
  if ("claim" in item) {
    if (item.claim < cursor.seg) return false;
    if (item.claim === cursor.seg) return own(meta, attempt, out);
    if (meta.claim?.seg === item.claim && attempt < meta.claim.owner) return false;
    meta.claim = { seg: item.claim, owner: attempt };
    return true;
  }
  if (item.seg < cursor.seg) return !item.live;
  if (item.seg > cursor.seg) {
    const claimed = meta.claim?.seg === item.seg ? meta.claim.owner : undefined;
    if (meta.claim !== undefined && meta.claim.seg <= item.seg) meta.claim = undefined;
    meta.cursor = { seg: item.seg, w: 0, ...(claimed === undefined ? {} : { owner: claimed }) };
  }
  if (item.live && !own(meta, attempt, out)) return false;
  const at = meta.cursor;
  const size = chunkUnits(item.chunk);
  const end = item.pos + size;
  if (size === 0 || end <= at.w) return true;
  out.push(item.pos < at.w ? dropUnits(item.chunk, at.w - item.pos) : item.chunk);
  at.w = end;
  return true;
}

/** Makes `attempt` the one running the current segment's model step. */
function own(meta: Meta, attempt: string, out: UIChunk[]): boolean {
  const cursor = meta.cursor;
  if (cursor.owner === undefined || cursor.owner === attempt) {
    cursor.owner = attempt;
    return true;
  }
  if (attempt < cursor.owner) return false;
  // A later attempt runs the step again: the client drops what the earlier one showed of it.
  const kept = cursor.seg > 0 ? 1 : 0;
  if (cursor.w > kept) {
    out.push({ type: "reset-step" });
    cursor.w = kept;
  }
  cursor.owner = attempt;
  return true;
}

function trackApproval(meta: Meta, chunk: UIChunk): void {
  const approvalId = chunk.approvalId;
  if (typeof approvalId !== "string") return;
  if (chunk.type === "tool-approval-request" && !meta.approvals.includes(approvalId)) {
    meta.approvals = [...meta.approvals, approvalId];
  }
  if (chunk.type === "tool-approval-response") {
    meta.approvals = meta.approvals.filter((id) => id !== approvalId);
    if (!meta.answered.includes(approvalId))
      meta.answered = [...meta.answered, approvalId].slice(-64);
  }
}

/** Appends to the open page (kept in the metadata); a page that fills up gets its own entry. */
function writeChunks(ctx: restate.ObjectContext, meta: Meta, chunks: UIChunk[]): void {
  for (const chunk of chunks) {
    meta.open.push(chunk);
    meta.tail++;
    if (meta.open.length === PAGE_SIZE) {
      ctx.set(`p${meta.tail / PAGE_SIZE - 1}`, meta.open);
      meta.open = [];
    }
  }
}

function clearPages(ctx: restate.ObjectContext, meta: Meta): void {
  const closed = Math.floor(meta.tail / PAGE_SIZE);
  for (let index = Math.floor(meta.head / PAGE_SIZE); index < closed; index++) {
    ctx.clear(`p${index}`);
  }
  meta.open = [];
}

async function readChunks(ctx: Ctx, meta: Meta, from: number, to: number): Promise<UIChunk[]> {
  const openFrom = meta.tail - meta.open.length;
  const pages: restate.RestatePromise<UIChunk[] | null>[] = [];
  const first = Math.floor(from / PAGE_SIZE);
  for (let index = first; index * PAGE_SIZE < Math.min(to, openFrom); index++) {
    // the SDK's state reads are Restate promises, which its combinators await together
    pages.push(
      ctx.get<UIChunk[]>(`p${index}`) as unknown as restate.RestatePromise<UIChunk[] | null>,
    );
  }
  const closed = (await restate.RestatePromise.all(pages)).flatMap((page) => page ?? []);
  const chunks = [...closed, ...(to > openFrom ? meta.open : [])];
  const base = pages.length > 0 ? first * PAGE_SIZE : openFrom;
  return chunks.slice(from - base, to - base);
}

/** What a read gets now, or `undefined` when it has to wait. */
async function readNow(
  ctx: Ctx,
  meta: Meta | null,
  request: ReadRequest,
): Promise<ReadResult | undefined> {
  if (meta === null) return request.turnId === undefined ? { kind: "unknown" } : undefined;
  if (request.turnId !== undefined && request.turnId !== meta.turnId) {
    return meta.pastTurns.includes(request.turnId)
      ? { kind: "expired", turnId: request.turnId }
      : undefined;
  }
  const { turnId } = meta;
  if (meta.expired || request.from < meta.head) return { kind: "expired", turnId };
  if (request.from > meta.tail) return { kind: "past-end", turnId, tail: meta.tail };
  const done = meta.status !== "running";
  if (request.from === meta.tail) {
    return done ? { kind: "chunks", turnId, chunks: [], next: meta.tail, done } : undefined;
  }
  const to = Math.min(meta.tail, request.from + MAX_READ);
  const chunks = await readChunks(ctx, meta, request.from, to);
  return { kind: "chunks", turnId, chunks, next: to, done: done && to === meta.tail };
}

function turnOf(request: ReadRequest, meta: Meta | null): { turnId?: string } {
  const turnId = request.turnId ?? meta?.turnId;
  return turnId === undefined ? {} : { turnId };
}

function bad(message: string): never {
  throw new restate.TerminalError(message, { errorCode: 400 });
}

function checkAppend(request: AppendRequest): void {
  if (typeof request?.turnId !== "string" || request.turnId === "")
    bad("append: turnId must be a non-empty string");
  if (typeof request.invocationId !== "string") bad("append: invocationId must be a string");
  if (typeof request.attempt !== "string") bad("append: attempt must be a string");
  if (!Array.isArray(request.items)) bad("append: items must be an array");
}

function checkRead(request: ReadRequest): void {
  if (!Number.isSafeInteger(request?.from) || request.from < 0) {
    bad(`read: from must be a non-negative integer, got ${JSON.stringify(request?.from)}`);
  }
  if (request.turnId !== undefined && typeof request.turnId !== "string")
    bad("read: turnId must be a string");
}

function checkAnswer(answer: ApprovalAnswerRequest): void {
  if (typeof answer?.approvalId !== "string" || typeof answer.approved !== "boolean") {
    bad(
      'answerApproval: expected { "approvalId": string, "approved": boolean, "reason"?: string }',
    );
  }
  if (answer.reason !== undefined && typeof answer.reason !== "string")
    bad("answerApproval: reason must be a string");
}
