/**
 * A model stream that is live on the first execution and replayed from the journal after.
 *
 * The provider stream is consumed inside one `ctx.run`:
 * - first execution: parts reach the caller as the provider produces them; when the provider
 *   stream ends, the whole part list (and the call's metadata) is journaled as one entry;
 * - replay: the journaled parts are emitted and the provider is not called;
 * - parts from the first "held" part on (tool calls, the finish part) reach the caller only once
 *   the journal entry is acknowledged, so nothing acts on a step that could still be lost;
 * - a failed attempt (provider error, broken stream, crash) journals nothing. The caller's stream
 *   simply receives no further part in that attempt (Restate ends the attempt); the retry replays
 *   the journal and streams this step again from its first part. Once retries are exhausted, or
 *   the failure is terminal, the stream errors with the run's `TerminalError`;
 * - the caller's abort signal, when it fires, fails the step at once (with what `mapError` makes
 *   of the signal's reason), without waiting for the provider to notice.
 * A run observer of the context (see `run-observer.ts`) is told whether the step runs live or is
 * replayed; a live step is journaled only once the observer is ready for it.
 */
import type { Context, RunOptions } from "@restatedev/restate-sdk";
import { runObserverOf } from "./run-observer.js";

/** What one journal entry of a durable stream holds. */
export interface JournaledStream<T, M> {
  parts: T[];
  meta?: M;
}

/** How a {@link durableStream} journals and releases the parts of one model call. */
export interface DurableStreamOptions<T, M> {
  /** Name of the journal entry. */
  name: string;
  /** Retry policy and serde of the journal entry. */
  runOptions?: RunOptions<JournaledStream<T, M>>;
  /** Parts from the first one that matches are released only after the entry is journaled. */
  holdFrom?: (part: T) => boolean;
  /** Turns a part into a failure of the attempt (e.g. a provider `error` part). */
  failOn?: (part: T) => unknown;
  /** Parts for which this returns `false` reach a live caller but are not journaled. */
  keep?: (part: T) => boolean;
  /** Returns a new part that stands for `previous` followed by `next`, or `undefined`. */
  merge?: (previous: T, next: T) => T | undefined;
  /**
   * Runs inside the journaled step on the complete list. It may add or change parts at index
   * `heldFrom` or later only: the ones before already reached the caller.
   */
  complete?: (parts: T[], heldFrom: number) => T[] | Promise<T[]>;
  /** Maps an error of the provider call (e.g. to a `TerminalError`). */
  mapError?: (error: unknown) => unknown;
  /**
   * Checks the journaled parts, live or replayed, before the held ones are released; if it
   * throws, the caller's stream ends with that error instead.
   */
  inspect?: (parts: T[]) => void;
  /** Called once the journal entry settled (journaled or failed), before held parts are released. */
  onSettled?: () => void;
  /** The caller's abort signal (see above). */
  signal?: AbortSignal;
}

/** The caller's view of a durable stream. */
export interface DurableStream<T, M> {
  parts: ReadableStream<T>;
  /** Resolves once the provider answered (live) or from the journal (replay). */
  meta: Promise<M | undefined>;
}

/**
 * Opens the provider stream inside `ctx.run` and returns the caller's view of it.
 *
 * @param open starts the provider call; called at most once per attempt, never on replay.
 */
export function durableStream<T, M = undefined>(
  ctx: Context,
  open: () => Promise<{ parts: AsyncIterable<T> | ReadableStream<T>; meta?: M }>,
  options: DurableStreamOptions<T, M>,
): DurableStream<T, M> {
  let sink!: ReadableStreamDefaultController<T>;
  let consumerGone = false;
  // Set when the provider ran in this attempt: how many journaled parts the caller already has.
  let releasedLive: number | undefined;
  const meta = Promise.withResolvers<M | undefined>();
  meta.promise.catch(() => {});
  const observed = runObserverOf(ctx)?.modelStep();

  const parts = new ReadableStream<T>({
    start(controller) {
      sink = controller;
    },
    cancel() {
      consumerGone = true;
    },
  });
  const emit = (part: T) => {
    if (!consumerGone) sink.enqueue(part);
  };

  const journaled = ctx.run(
    options.name,
    async (): Promise<JournaledStream<T, M>> => {
      const collected: T[] = [];
      let released = 0;
      let holding = false;
      let callMeta: M | undefined;
      const beforeJournal = observed?.live();
      try {
        const opened = await open();
        callMeta = opened.meta;
        meta.resolve(callMeta);
        const parts = readerOf(opened.parts);
        const aborted = abortedBy(options.signal);
        try {
          for (;;) {
            const next = await nextPart(parts, aborted);
            if (next.done) break;
            const part = next.value;
            const failure = options.failOn?.(part);
            if (failure !== undefined) throw failure;
            if (options.keep?.(part) === false) {
              if (!holding) emit(part);
              continue;
            }
            const startsHolding: boolean = !holding && (options.holdFrom?.(part) ?? false);
            holding ||= startsHolding;
            const previous = collected.at(-1);
            const merged =
              previous !== undefined && !startsHolding
                ? options.merge?.(previous, part)
                : undefined;
            if (merged === undefined) collected.push(part);
            else collected[collected.length - 1] = merged;
            if (!holding) {
              emit(part);
              released = collected.length;
            }
          }
        } finally {
          // Frees the provider connection when the step stops early; a no-op once it ended.
          await parts.return?.()?.catch?.(() => {});
        }
      } catch (error) {
        throw options.mapError ? options.mapError(error) : error;
      }
      await beforeJournal?.();
      releasedLive = released;
      const complete = options.complete ? await options.complete(collected, released) : collected;
      return callMeta === undefined ? { parts: complete } : { parts: complete, meta: callMeta };
    },
    options.runOptions ?? {},
  );

  journaled.then(
    (entry) => {
      options.onSettled?.();
      if (releasedLive === undefined) observed?.replayed();
      meta.resolve(entry.meta);
      try {
        options.inspect?.(entry.parts);
      } catch (error) {
        if (!consumerGone) sink.error(error);
        return;
      }
      for (const part of entry.parts.slice(releasedLive ?? 0)) emit(part);
      if (!consumerGone) sink.close();
    },
    (error: unknown) => {
      options.onSettled?.();
      meta.reject(error);
      if (!consumerGone) sink.error(error);
    },
  );
  return { parts, meta: meta.promise };
}

/** The provider's parts one by one: a stream's reader, or an async iterable's iterator. */
function readerOf<T>(source: AsyncIterable<T> | ReadableStream<T>): AsyncIterator<T> {
  return Symbol.asyncIterator in source && !(source instanceof ReadableStream)
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : readerIterator((source as ReadableStream<T>).getReader());
}

/** The next part, or the signal's reason as soon as it aborts (`aborted` rejects then). */
function nextPart<T>(
  parts: AsyncIterator<T>,
  aborted: Promise<never> | undefined,
): Promise<IteratorResult<T>> {
  return aborted === undefined ? parts.next() : Promise.race([parts.next(), aborted]);
}

/** A promise that rejects with `signal`'s reason once it aborts; none without a signal. */
function abortedBy(signal: AbortSignal | undefined): Promise<never> | undefined {
  if (signal === undefined) return undefined;
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => {});
  return aborted;
}

function readerIterator<T>(reader: ReadableStreamDefaultReader<T>): AsyncIterator<T> {
  return {
    next: () => reader.read() as Promise<IteratorResult<T>>,
    return: async () => {
      await reader.cancel().catch(() => {});
      return { done: true, value: undefined };
    },
  };
}
