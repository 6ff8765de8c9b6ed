/**
 * Runs tool executions one at a time, in the order they were started.
 *
 * Agent SDKs start all tool calls of one model response together. Each tool's Restate operations
 * land in the journal in the order they are issued, so with concurrent tools that order depends
 * on timing (a cache read, a jittered delay) and a replay can mismatch the journal. Behind a
 * turnstile, a tool starts only once every tool started before it has settled, so the journal
 * order is the start order, which the SDK derives from the model's response alone.
 *
 * Callers use one turnstile per model response: a tool that runs its own agent loop (a sub-agent)
 * gets its nested tool calls from another response, so they never wait on the tool itself. (An
 * AsyncLocalStorage could find the nesting instead, but on Node 22 any use of one puts a hook on
 * every promise of the process: measured, 15 % of an agent's throughput.)
 */
export class Turnstile {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `task` once every task started before it has settled. */
  async run<T>(task: () => T | PromiseLike<T>): Promise<T> {
    const leave = await this.enter();
    try {
      return await task();
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
    try {
      const iterator = start()[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = await iterator.next();
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
