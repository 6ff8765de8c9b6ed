/**
 * `durableCalls`: the middleware that turns every model call of an AI SDK agent into a journaled
 * Restate step, for `generateText` and `streamText` alike.
 *
 * A crashed or suspended agent resumes from its journal: model calls that completed before are
 * answered from the journal, never sent to the provider again.
 */
import type { LanguageModelV4Middleware } from "@ai-sdk/provider";
import type { Context } from "@restatedev/restate-sdk";
import { type DurableCallsOptions, resolveCallSettings } from "./call-settings.js";
import { journalGenerate } from "./journal-generate.js";
import { journalStream } from "./journal-stream.js";
import { loopState } from "./loop-state.js";
import { unorderedTools, withOneToolCallPerResponse } from "./parallel-tool-calls.js";
import { installSdkHooks, linkModelCall } from "./sdk-hooks.js";

/**
 * Middleware that journals each `doGenerate` and `doStream` call of a language model with
 * `ctx.run`, so a replay returns the journaled result instead of calling the model again.
 *
 * ```ts
 * const model = wrapLanguageModel({
 *   model: openai("gpt-4o"),
 *   middleware: durableCalls(ctx, { maxRetryAttempts: 3 }),
 * });
 * const { text } = await generateText({ model, maxRetries: 0, prompt, tools });
 * ```
 *
 * Failed calls are retried by Restate with the given retry policy (default: 10 attempts, 1 s to
 * 30 s apart); when it is exhausted the call fails with a `TerminalError` carrying the provider's
 * message. Calls the provider rejected for good (400, 401, 404, missing API key) fail at once.
 * A failed call ends the Restate attempt before the AI SDK's own `maxRetries` (default 2) could
 * retry it outside the journal; pass `maxRetries: 0` to `generateText`/`streamText` anyway, so a
 * model left unwrapped does not retry behind the journal's back. A call whose `abortSignal` fired
 * fails with a `TerminalError` at once.
 *
 * The first call registers hooks with the AI SDK's telemetry (once per process) that run the SDK's
 * executions of a response's tool calls in the model's order, so parallel tool calls journal
 * deterministically without `durableTools` (see `parallelToolCalls` for calls with their own
 * telemetry integrations). Two model calls of one context in flight at once — several agent loops
 * started together in one handler — fail with a `TerminalError`: run such agents as invocations of
 * their own (`DurableAgent.service`) and combine them with `RestatePromise.all`.
 *
 * @param ctx the Restate context of the handler running the agent.
 * @param opts retry policy of the journaled calls and what they journal.
 */
export function durableCalls(ctx: Context, opts?: DurableCallsOptions): LanguageModelV4Middleware {
  const settings = resolveCallSettings(opts);
  const loop = loopState(ctx);
  installSdkHooks();
  return {
    specificationVersion: "v4",
    transformParams: async ({ params, model }) => {
      if (
        settings.parallelToolCalls === "allow" ||
        linkModelCall(params.tools, loop) !== undefined
      ) {
        return params;
      }
      if (unorderedTools(params.tools, loop.wrappedTools).length === 0) return params;
      return withOneToolCallPerResponse(model.provider, params);
    },
    wrapGenerate: journalGenerate(ctx, settings, loop),
    wrapStream: journalStream(ctx, settings, loop),
  };
}
