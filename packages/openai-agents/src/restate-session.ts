/**
 * `RestateSession`: the Agents SDK's conversation memory on the state of a Restate Virtual Object.
 *
 * The history is isolated per object key and survives crashes like any Restate state. It is kept
 * in chunks of items under several state keys (`<stateKey>.<n>`), with a small index under
 * `<stateKey>`: adding a run's items rewrites the last chunk and the index only, so the state
 * written per message does not grow with the conversation. `maxItems` bounds the history (older
 * items are dropped, or handed to `compact` to be summarised), so a chat never outgrows Restate's
 * message size limit. A history written by earlier versions (one array under `<stateKey>`) is read
 * as it is and moved to chunks on the next write; the first state read is the same in both
 * layouts, so invocations in flight replay.
 */
import type { AgentInputItem, Session } from "@openai/agents";
import type { ObjectContext, ObjectSharedContext } from "@restatedev/restate-sdk";
import { TerminalError } from "@restatedev/restate-sdk";

export interface RestateSessionOptions {
  /** State key of the history (and prefix of its chunks). Default `"agent-session"`. */
  stateKey?: string;
  /**
   * Keep at most this many items. Beyond it the oldest are dropped — or given to `compact` —
   * and the kept history starts at a user message, so no tool result loses its call.
   */
  maxItems?: number;
  /**
   * Replaces the history once it holds more than `maxItems` items, e.g. by a summary of the older
   * ones followed by the latest; it must return at most `maxItems` items. Runs inside the handler:
   * a model call it makes should be journaled (a durable model or `ctx.run`).
   */
  compact?: (items: AgentInputItem[]) => AgentInputItem[] | Promise<AgentInputItem[]>;
}

/** The index under `<stateKey>`: chunks `first` to `next - 1`, items before `skip` dropped. */
interface SessionIndex {
  version: 2;
  first: number;
  next: number;
  skip: number;
}

const CHUNK_ITEMS = 64;

export class RestateSession implements Session {
  private readonly ctx: ObjectContext;
  private readonly stateKey: string;
  private readonly options: RestateSessionOptions;
  private loaded: { index: SessionIndex | undefined; chunks: AgentInputItem[][] } | undefined;

  constructor(ctx: ObjectContext, options: RestateSessionOptions = {}) {
    const { maxItems } = options;
    if (maxItems !== undefined && (!Number.isInteger(maxItems) || maxItems < 1)) {
      throw new TerminalError(`maxItems must be a positive integer, got ${String(maxItems)}`);
    }
    this.ctx = ctx;
    this.stateKey = options.stateKey ?? "agent-session";
    this.options = options;
  }

  /** The history of the object's session, e.g. for a shared handler that shows it. */
  static async read(
    ctx: ObjectSharedContext | ObjectContext,
    options: Pick<RestateSessionOptions, "stateKey"> = {},
  ): Promise<AgentInputItem[]> {
    const { index, chunks } = await readHistory(ctx, options.stateKey ?? "agent-session");
    return flatten(index, chunks);
  }

  /** The Virtual Object's key. */
  async getSessionId(): Promise<string> {
    return this.ctx.key;
  }

  async getItems(limit?: number): Promise<AgentInputItem[]> {
    const { index, chunks } = await this.load();
    const items = flatten(index, chunks);
    return limit === undefined ? items : items.slice(Math.max(0, items.length - limit));
  }

  async addItems(items: AgentInputItem[]): Promise<void> {
    if (items.length === 0) return;
    const { index, chunks } = await this.load();
    if (index === undefined) {
      // the first write, or a history in the earlier layout: from now on in chunks
      this.write(0, [...(chunks[0] ?? []), ...items]);
    } else {
      this.appendToLastChunk(index, chunks, items);
    }
    const maxItems = this.options.maxItems;
    if (maxItems === undefined) return;
    if (this.options.compact === undefined) {
      this.dropOldest(maxItems);
      return;
    }
    const history = await this.getItems();
    if (history.length <= maxItems) return;
    const compacted = await this.options.compact(history);
    if (compacted.length > maxItems) {
      throw new TerminalError(
        `RestateSession: compact returned ${compacted.length} items, more than maxItems (${maxItems})`,
      );
    }
    this.replace(compacted);
  }

  async popItem(): Promise<AgentInputItem | undefined> {
    const history = await this.getItems();
    const last = history.pop();
    if (last !== undefined) this.replace(history);
    return last;
  }

  async clearSession(): Promise<void> {
    const { index } = await this.load();
    for (let n = index?.first ?? 0; n < (index?.next ?? 0); n++) {
      this.ctx.clear(chunkKey(this.stateKey, n));
    }
    this.ctx.clear(this.stateKey);
    this.loaded = { index: undefined, chunks: [] };
  }

  private async load() {
    this.loaded ??= await readHistory(this.ctx, this.stateKey);
    return this.loaded;
  }

  /** Replaces the whole history (after compaction or a pop): rare, so it may rewrite chunks. */
  private replace(items: AgentInputItem[]): void {
    const previous = this.loaded?.index;
    for (let n = previous?.first ?? 0; n < (previous?.next ?? 0); n++) {
      this.ctx.clear(chunkKey(this.stateKey, n));
    }
    this.write(previous?.next ?? 0, items);
  }

  /** Writes `items` as chunks from chunk `first` on, and the index. */
  private write(first: number, items: AgentInputItem[]): void {
    const chunks = chunked(items);
    this.setChunks(first, chunks);
    this.setIndex({ version: 2, first, next: first + chunks.length, skip: 0 }, chunks);
  }

  /** Rewrites the last chunk with `items` added (and new chunks past it); the others stay. */
  private appendToLastChunk(
    index: SessionIndex,
    chunks: AgentInputItem[][],
    items: AgentInputItem[],
  ) {
    const last = index.next - 1;
    const fresh = chunked([...(chunks[chunks.length - 1] ?? []), ...items]);
    this.setChunks(last, fresh);
    this.setIndex({ ...index, next: last + fresh.length }, [...chunks.slice(0, -1), ...fresh]);
  }

  /** Keeps the latest `maxItems` items (from a user message on), dropping whole chunks before. */
  private dropOldest(maxItems: number): void {
    const { index, chunks } = this.loaded as { index: SessionIndex; chunks: AgentInputItem[][] };
    const all = chunks.flat();
    if (all.length - index.skip <= maxItems) return;
    let skip = startAtUserMessage(all, all.length - maxItems);
    let first = index.first;
    const kept = [...chunks];
    while (kept.length > 1 && skip >= (kept[0]?.length ?? 0)) {
      skip -= kept[0]?.length ?? 0;
      kept.shift();
      this.ctx.clear(chunkKey(this.stateKey, first));
      first++;
    }
    this.setIndex({ ...index, first, skip }, kept);
  }

  private setChunks(from: number, chunks: AgentInputItem[][]): void {
    for (const [n, chunk] of chunks.entries())
      this.ctx.set(chunkKey(this.stateKey, from + n), chunk);
  }

  private setIndex(index: SessionIndex, chunks: AgentInputItem[][]): void {
    this.ctx.set(this.stateKey, index);
    this.loaded = { index, chunks };
  }
}

async function readHistory(ctx: ObjectSharedContext | ObjectContext, stateKey: string) {
  const stored = await ctx.get<SessionIndex | AgentInputItem[]>(stateKey);
  if (stored === null || stored === undefined) return { index: undefined, chunks: [] };
  if (Array.isArray(stored)) return { index: undefined, chunks: [stored] };
  const chunks: AgentInputItem[][] = [];
  for (let n = stored.first; n < stored.next; n++) {
    chunks.push((await ctx.get<AgentInputItem[]>(chunkKey(stateKey, n))) ?? []);
  }
  return { index: stored, chunks };
}

function flatten(index: SessionIndex | undefined, chunks: AgentInputItem[][]): AgentInputItem[] {
  return chunks.flat().slice(index?.skip ?? 0);
}

function chunked(items: AgentInputItem[]): AgentInputItem[][] {
  const chunks: AgentInputItem[][] = [];
  for (let at = 0; at < items.length; at += CHUNK_ITEMS)
    chunks.push(items.slice(at, at + CHUNK_ITEMS));
  return chunks.length === 0 ? [[]] : chunks;
}

function chunkKey(stateKey: string, n: number): string {
  return `${stateKey}.${n}`;
}

/** The first user message at or after `from`, so no kept tool result or reply lost its turn. */
function startAtUserMessage(items: AgentInputItem[], from: number): number {
  for (let at = from; at < items.length; at++) {
    if ((items[at] as { role?: unknown }).role === "user") return at;
  }
  return from;
}
