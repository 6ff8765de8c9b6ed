/**
 * Orders the AI SDK's own tool executions, for tools nobody wrapped.
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
 * Per-call `telemetry.integrations` replace the global ones (and `isEnabled: false` removes
 * them): the middleware then sees no `callId` for the call and falls back (see `loop-guard.ts`).
 */
import { registerTelemetry, type Telemetry } from "ai";
import type { LoopState } from "./loop-state.js";

const INSTALLED = Symbol.for("@restate-ai/vercel-middleware/sdk-tool-order");
/** The `tools` array of a model call the hooks saw, to the `callId` of its generation. */
const callIdOfTools = new WeakMap<object, string>();
/** Generations whose model calls went through `durableCalls`, to the loop they belong to. */
const loopOfCall = new Map<string, WeakRef<LoopState>>();
const PRUNE_AT = 1024;
let pruneAt = PRUNE_AT;

const integration: Telemetry = {
  executeLanguageModelCall: (options) => {
    if (typeof options.tools === "object" && options.tools !== null) {
      callIdOfTools.set(options.tools, options.callId);
    }
    return options.execute();
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
export function installSdkToolOrder(): void {
  const global = globalThis as { [INSTALLED]?: true };
  if (global[INSTALLED]) return;
  global[INSTALLED] = true;
  registerTelemetry(integration);
}

/**
 * Links the model call whose `tools` these are to `loop`, so the SDK's executions of its tool
 * calls are ordered. Returns `false` when the hooks did not see the call (they were replaced by
 * per-call telemetry integrations, or the call offers no tools).
 */
export function linkModelCall(tools: unknown, loop: LoopState): boolean {
  const callId = typeof tools === "object" && tools !== null ? callIdOfTools.get(tools) : undefined;
  if (callId === undefined) return false;
  loopOfCall.set(callId, new WeakRef(loop));
  if (loopOfCall.size >= pruneAt) {
    for (const [id, ref] of loopOfCall) if (ref.deref() === undefined) loopOfCall.delete(id);
    pruneAt = loopOfCall.size + PRUNE_AT;
  }
  return true;
}
