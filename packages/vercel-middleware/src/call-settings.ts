/**
 * Options of the journaled model and embedding calls, and the defaults they fall back to (the
 * core's bounded retry policy: a provider outage ends in a clear `TerminalError`).
 */
import {
  boundedRetryPolicy,
  journalEntryLimit,
  limitedSerde,
  packedSerde,
  superJson,
} from "@restate-ai/core";
import { type RunOptions, type Serde, TerminalError } from "@restatedev/restate-sdk";
import { type EntryNames, type JournalNames, journalNames } from "./entry-names.js";
import type { ParallelToolCalls } from "./loop-guard.js";
import { modelEntryCodec } from "./model-journal-format.js";

/**
 * The serde of model call entries: writes journal format 2 (`model-journal-format.ts`), reads it,
 * format 1 (SuperJSON) and plain JSON. E.g. to read a journaled model call outside the agent.
 */
export const modelCallSerde = packedSerde(modelEntryCodec);

/**
 * Options of {@link durableCalls} and {@link durableEmbeds}: Restate's `RunOptions` for the
 * journaled step plus what is journaled.
 */
export interface DurableCallsOptions extends Omit<RunOptions<unknown>, "serde"> {
  /**
   * Serde of the journal entries. Default: model calls in this package's compact journal format
   * (plain JSON; values JSON cannot hold, such as file bytes, in {@link superJson}), embeddings in
   * {@link superJson}. Entries of either, and of `@restatedev/vercel-ai-middleware`, are read.
   */
  serde?: Serde<unknown>;
  /**
   * Keep the provider's response headers in the journal — the allow-listed ones
   * (`JOURNALED_RESPONSE_HEADERS`: request ids, rate limits, processing time) — so
   * `response.headers` has them, live and on a replay alike. Default `false`: they are a third of
   * a typical entry, and `response.headers` is then `undefined` (on the live run too, so code
   * cannot depend on what a replay would not see).
   */
  journalResponseHeaders?: boolean;
  /**
   * Keep the raw HTTP `request.body` / `response.body` of model calls in the journal.
   * Default `false`: they are often many times larger than the result itself.
   */
  journalBodies?: boolean;
  /**
   * Fail with a `TerminalError` at once when the provider rejects a call for good (AI SDK
   * `APICallError` with `isRetryable === false`, e.g. 400/401/404, or a missing API key).
   * Default `true`; set `false` to let such calls go through the retry policy like any other.
   */
  nonRetryableIsTerminal?: boolean;
  /**
   * Largest journal entry (one model result, or a stream's parts) in bytes, default 10 MiB. A
   * larger result fails the call with a `TerminalError` instead of being retried forever by
   * restate-server, which refuses messages above its `worker.invoker.message-size-limit`.
   */
  maxJournalEntryBytes?: number;
  /**
   * How journal entries are named. `"compatible"` (default): as `@restatedev/vercel-ai-middleware`
   * 0.4.0 names them (`calling <provider>`, `embedding <provider>`, its MCP names), so invocations
   * it journaled resume under this package. `"descriptive"`: the names of this package's 0.1
   * release (`generate <provider>/<model>`, `embed …`, `mcp <client>: …`), for invocations that
   * release journaled. Streams are `stream <provider>/<model>` under both.
   */
  entryNames?: EntryNames;
  /**
   * Several tool calls in one response run concurrently in the AI SDK, and their Restate operations
   * must reach the journal in the same order on every replay. `durableCalls` runs the AI SDK's
   * executions of them one at a time, in the model's order, through the SDK's telemetry hooks.
   * When this call's own `telemetry.integrations` replace those hooks and the tools are not
   * wrapped with `durableTools`, `"auto"` (default) asks the provider for one tool call per
   * response (OpenAI, Azure, Anthropic, Groq, Mistral, xAI) and fails a response with several
   * with a `TerminalError` saying how to fix it. `"allow"`: the caller orders them itself (a
   * manual loop with `RestatePromise.all`, or `toolCallConcurrency: 1`); nothing is changed.
   */
  parallelToolCalls?: ParallelToolCalls;
}

/** The resolved form of {@link DurableCallsOptions}. */
export interface CallSettings {
  /** Of embedding calls. */
  runOptions: RunOptions<unknown>;
  /** Of model calls (generate and stream). */
  modelRunOptions: RunOptions<unknown>;
  journalResponseHeaders: boolean;
  journalBodies: boolean;
  nonRetryableIsTerminal: boolean;
  names: JournalNames;
  parallelToolCalls: ParallelToolCalls;
  maxJournalEntryBytes: number;
}

export function resolveCallSettings(options: DurableCallsOptions = {}): CallSettings {
  const {
    journalBodies,
    nonRetryableIsTerminal,
    serde,
    maxJournalEntryBytes,
    entryNames,
    parallelToolCalls,
    journalResponseHeaders,
    ...retry
  } = options;
  if (
    parallelToolCalls !== undefined &&
    parallelToolCalls !== "auto" &&
    parallelToolCalls !== "allow"
  ) {
    throw new TerminalError(
      `parallelToolCalls must be "auto" or "allow", got ${JSON.stringify(parallelToolCalls)}`,
    );
  }
  const limit = journalEntryLimit(maxJournalEntryBytes);
  const retryPolicy = boundedRetryPolicy(retry);
  return {
    runOptions: { ...retryPolicy, serde: limitedSerde(serde ?? superJson, limit) },
    modelRunOptions: { ...retryPolicy, serde: limitedSerde(serde ?? modelCallSerde, limit) },
    journalResponseHeaders: journalResponseHeaders ?? false,
    journalBodies: journalBodies ?? false,
    nonRetryableIsTerminal: nonRetryableIsTerminal ?? true,
    names: journalNames(entryNames),
    parallelToolCalls: parallelToolCalls ?? "auto",
    maxJournalEntryBytes: limit,
  };
}

/** Readable identity of a model in journal entry names and error messages. */
export function modelLabel(model: { provider: string; modelId: string }): string {
  return `${model.provider}/${model.modelId}`;
}
