/**
 * What the parts of one agent invocation attempt share about its tool loop.
 *
 * `durableCalls(ctx)` sees the model calls, `durableTools(ctx, tools)` the tool executions; both
 * get the same Restate context, so the state lives beside it. A new attempt has a new context and
 * starts from a clean state, as its replay rebuilds everything from the journal.
 */
import type { Turnstile } from "@restate-ai/core";
import type { Context } from "@restatedev/restate-sdk";

export interface PendingToolCall {
  toolName: string;
  /** Shared by the calls of one model response: their executions run in its order. */
  turnstile: Turnstile;
  /** Set when the AI SDK's execution of this call already holds its turn (`sdk-hooks.ts`). */
  orderedBySdk?: boolean;
}

export interface LoopState {
  /** An error that must end the loop: set by a cancelled tool, a requested rethrow, ... */
  abort?: { error: unknown };
  /** Names of the tools wrapped by `durableTools` in this attempt. */
  readonly wrappedTools: Set<string>;
  /** Client tool calls the model asked for whose results the model has not seen yet, by id. */
  readonly pendingToolCalls: Map<string, PendingToolCall>;
}

const states = new WeakMap<Context, LoopState>();

export function loopState(ctx: Context): LoopState {
  let state = states.get(ctx);
  if (state === undefined) {
    state = { wrappedTools: new Set(), pendingToolCalls: new Map() };
    states.set(ctx, state);
  }
  return state;
}

/** Ends the loop with `error` at the next point that can end it; the first error wins. */
export function abortLoop(state: LoopState, error: unknown): void {
  state.abort ??= { error };
}
