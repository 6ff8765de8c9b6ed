/**
 * The AI SDK hooks `durableCalls` registers: they order the SDK's own tool executions, for tools
 * nobody wrapped, and hold back the end of an aborted stream until its step is journaled.
 *
 * The AI SDK starts the tool calls of one model response together. Their Restate operations land
 * in the journal in the order they are issued, so when tools await anything non-durable first, a
 * replay can mismatch the journal. `durableTools` serialises the tools it wraps; this module does
 * the same for every tool of a `durableCalls` response that the AI SDK executes, wrapped or not,
 * through the SDK's public telemetry hooks (registered globally once, see `registerTelemetry`):
 * - `executeLanguageModelCall` sees each model call with the generation's `callId` and the very
 *   `tools` array the middleware then receives, which links the generation to the agent's loop;
 * - `executeTool` runs each execution of a tool call of that loop behind the turnstile of the
 *   model response that asked for it, in the order the SDK starts them (the model's order).
 * Tool calls the SDK does not execute (tools without `execute`, run by hand with
 * `RestatePromise.all`) never pass here, and `toolCallConcurrency: 1` simply never waits.
 *
 * `streamText` aborted by its caller's signal ends its stream only once the aborted step's journal
 * entry settled (the SDK awaits `onAbort` before it closes the stream), so the caller's code after
 * the stream never awaits a Restate operation while the step's entry is still pending, which
 * Restate SDK 1.17 refuses (one pending await at a time). Code that awaits `result.text` instead
 * of the stream is told of the abort at once, as the SDK rejects it before `onAbort`.
 *
 * Per-call `telemetry.integrations` replace the global ones (and `isEnabled: false` removes
 * them): the middleware then sees no `callId` for the call and falls back (see `loop-guard.ts`).
 */
import { registerTelemetry, type Telemetry } from "ai";
import type { LoopState } from "./loop-state.js";

const INSTALLED = Symbol.for("@restate-ai/vercel-middleware/sdk-hooks");
/** The `tools` array of a model call the hooks saw, to the `callId` of its generation. */
const callIdOfTools = new WeakMap<object, string>();
/** Generations whose model calls went through `durableCalls`, to the loop they belong to. */
const loopOfCall = new Map<string, WeakRef<LoopState>>();
/** A durable stream (the one handed to the SDK) to the promise that settles with its entry. */
const settledOfStream = new WeakMap<object, Promise<void>>();
/** Model calls of a generation still in progress: each settles once its journal entry did. */
const unsettledCalls = new Map<string, Set<Promise<void>>>();
/** How long an aborted stream waits for its step's entry at most. */
const ABORT_SETTLE_TIMEOUT_MS = 30_000;
const PRUNE_AT = 1024;
let pruneAt = PRUNE_AT;

const integration: Telemetry = {
  executeLanguageModelCall: async (options) => {
    if (typeof options.tools === "object" && options.tools !== null) {
      callIdOfTools.set(options.tools, options.callId);
    }
    const call = Promise.withResolvers<void>();
    track(options.callId, call.promise);
    try {
      const result = await options.execute();
      const stream = (result as { stream?: unknown } | undefined)?.stream;
      const settled =
        typeof stream === "object" && stream !== null ? settledOfStream.get(stream) : undefined;
      call.resolve(settled);
      return result;
    } catch (error) {
      call.resolve();
      throw error;
    }
  },
  onAbort: async (event) => {
    const pending = unsettledCalls.get(event.callId);
    if (pending === undefined) return;
    const timeout = new Promise<void>((resolve) =>
      setTimeout(resolve, ABORT_SETTLE_TIMEOUT_MS).unref(),
    );
    await Promise.race([Promise.all(pending), timeout]);
  },
  executeTool: (options) => {
    const loop = loopOfCall.get(options.callId)?.deref();
    const pending = loop?.pendingToolCalls.get(options.toolCallId);
    if (pending === undefined) return options.execute();
    pending.orderedBySdk = true;
    return pending.turnstile.run(options.execute);
  },
};

/** Registers the hooks with the AI SDK, once per process (whatever copies of this package load). */
export function installSdkHooks(): void {
  const global = globalThis as { [INSTALLED]?: true };
  if (global[INSTALLED]) return;
  global[INSTALLED] = true;
  registerTelemetry(integration);
}

/**
 * Links the model call whose `tools` these are to `loop`, so the SDK's executions of its tool
 * calls are ordered, and returns the generation's `callId`; `undefined` when the hooks did not
 * see the call (they were replaced by per-call telemetry integrations, or it offers no tools).
 */
export function linkModelCall(tools: unknown, loop: LoopState): string | undefined {
  const callId = typeof tools === "object" && tools !== null ? callIdOfTools.get(tools) : undefined;
  if (callId === undefined) return undefined;
  loopOfCall.set(callId, new WeakRef(loop));
  if (loopOfCall.size >= pruneAt) {
    for (const [id, ref] of loopOfCall) if (ref.deref() === undefined) loopOfCall.delete(id);
    pruneAt = loopOfCall.size + PRUNE_AT;
  }
  return callId;
}

/**
 * Registers the durable stream handed to the SDK; returns the function that marks its journal
 * entry as settled.
 */
export function trackStream(stream: object): () => void {
  const settled = Promise.withResolvers<void>();
  settledOfStream.set(stream, settled.promise);
  return settled.resolve;
}

function track(callId: string, call: Promise<void>): void {
  let calls = unsettledCalls.get(callId);
  if (calls === undefined) {
    calls = new Set();
    unsettledCalls.set(callId, calls);
  }
  calls.add(call);
  call.then(() => {
    calls.delete(call);
    if (calls.size === 0 && unsettledCalls.get(callId) === calls) unsettledCalls.delete(callId);
  });
}
