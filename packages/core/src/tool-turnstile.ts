/**
 * Runs tool executions one at a time, in the order they were started.
 *
 * Agent SDKs start all tool calls of one model response together. Each tool's Restate operations
 * land in the journal in the order they are issued, so with concurrent tools that order depends
 * on timing (a cache read, a jittered delay) and a replay can mismatch the journal. Behind a
 * turnstile, a tool starts only once every tool started before it has settled, so the journal
 * order is the start order, which the SDK derives from the model's response alone.
 *
 * Tools that run their own agent loop (a sub-agent with tools) queue their nested tools in a
 * turnstile of their own, so nesting never waits on itself.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const nested = new AsyncLocalStorage<Turnstile>();

export class Turnstile {
  private tail: Promise<void> = Promise.resolve();

  /**
   * The turnstile tool executions started here must pass: the nested one of the running tool, if
   * any, otherwise this one.
   */
  current(): Turnstile {
    return nested.getStore() ?? this;
  }

  /** Runs `task` once every task started before it has settled. */
  async run<T>(task: () => T | PromiseLike<T>): Promise<T> {
    const leave = await this.enter();
    try {
      return await nested.run(new Turnstile(), task);
    } finally {
      leave();
    }
  }

  /**
   * Runs an async iterable produced by `start` (a streaming tool) behind the turnstile: the turn
   * is held from the first value until the iterable ends, fails or is closed.
   */
  async *iterate<T>(start: () => AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
    const leave = await this.enter();
    const inner = new Turnstile();
    try {
      const iterator = nested.run(inner, () => start()[Symbol.asyncIterator]());
      try {
        for (;;) {
          const next = await nested.run(inner, () => iterator.next());
          if (next.done) return;
          yield next.value;
        }
      } finally {
        await iterator.return?.();
      }
    } finally {
      leave();
    }
  }

  private async enter(): Promise<() => void> {
    const previous = this.tail;
    const turn = Promise.withResolvers<void>();
    this.tail = previous.then(() => turn.promise);
    await previous;
    return () => turn.resolve();
  }
}
