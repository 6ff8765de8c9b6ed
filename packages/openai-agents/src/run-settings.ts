/**
 * Options of a durable Agents SDK run: the SDK's own `RunConfig`, Restate's retry policy for the
 * journaled model calls, what is journaled, and the session and approvals the run uses.
 */
import type { RunConfig, Session } from "@openai/agents";
import {
  type ApprovalOptions,
  boundedRetryPolicy,
  journalEntryLimit,
  limitedSerde,
  packedSerde,
  type RetryOptions,
  superJson,
} from "@restate-ai/core";
import type { RunOptions, Serde } from "@restatedev/restate-sdk";
import { responseEntryCodec } from "./response-journal-format.js";

/** Model call entries in journal format 2; format 1 (SuperJSON) entries are read too. */
const responseEntrySerde = packedSerde(responseEntryCodec);

/** Options of {@link DurableRunner} and {@link durableRun}. */
export interface DurableRunnerConfig extends Partial<RunConfig>, RetryOptions {
  /**
   * Keep the provider's raw `providerData` (e.g. the whole raw Responses API response) in the
   * journal. Default `false`.
   */
  journalProviderData?: boolean;
  /** Keep the raw provider events of streamed calls (`type: "model"`) in the journal. Default `false`. */
  journalRawEvents?: boolean;
  /**
   * Fail with a `TerminalError` at once when the provider rejects a call for good (400, 401, 403,
   * 404, 422, missing API key). Default `true`.
   */
  nonRetryableIsTerminal?: boolean;
  /**
   * Largest journal entry (one model response, or a stream's events) in bytes, default 10 MiB. A
   * larger response fails the run with a `TerminalError` instead of being retried forever by
   * restate-server, which refuses messages above its `worker.invoker.message-size-limit`.
   */
  maxJournalEntryBytes?: number;
  /**
   * Serde of the model call entries. Default: this package's compact journal format (plain JSON;
   * values JSON cannot hold in {@link superJson}); entries written with either are read.
   */
  serde?: Serde<unknown>;
  /**
   * Let the Agents SDK export traces during durable runs. Default `false`: a replay would export
   * the same spans again, with new random ids.
   */
  enableTracing?: boolean;
  /** Conversation memory for every run, e.g. a {@link RestateSession}. */
  session?: Session;
  /**
   * Resolve tool approvals (`needsApproval`) through Restate: one awakeable per interruption, handed
   * to `onRequest`; the run continues once every reviewer answered (or the timeout denied).
   */
  approvals?: ApprovalOptions;
}

/** How journaled model calls behave, derived from a {@link DurableRunnerConfig}. */
export interface ModelCallSettings {
  /** Of MCP calls. */
  runOptions: RunOptions<unknown>;
  /** Of model calls: journal format 2 (`response-journal-format.ts`). */
  modelRunOptions: RunOptions<unknown>;
  journalProviderData: boolean;
  journalRawEvents: boolean;
  nonRetryableIsTerminal: boolean;
}

/** Splits a durable config into the model call settings and the Agents SDK's own `RunConfig`. */
export function splitConfig(config: DurableRunnerConfig): {
  settings: ModelCallSettings;
  runConfig: Partial<RunConfig>;
  session?: Session;
  approvals?: ApprovalOptions;
} {
  const {
    maxRetryAttempts,
    maxRetryDuration,
    initialRetryInterval,
    maxRetryInterval,
    retryIntervalFactor,
    journalProviderData,
    journalRawEvents,
    nonRetryableIsTerminal,
    maxJournalEntryBytes,
    serde,
    enableTracing,
    session,
    approvals,
    ...runConfig
  } = config;
  const retry = boundedRetryPolicy({
    maxRetryAttempts,
    maxRetryDuration,
    initialRetryInterval,
    maxRetryInterval,
    retryIntervalFactor,
  });
  const limit = journalEntryLimit(maxJournalEntryBytes);
  return {
    settings: {
      runOptions: { ...retry, serde: limitedSerde(superJson, limit) },
      modelRunOptions: { ...retry, serde: limitedSerde(serde ?? responseEntrySerde, limit) },
      journalProviderData: journalProviderData ?? false,
      journalRawEvents: journalRawEvents ?? false,
      nonRetryableIsTerminal: nonRetryableIsTerminal ?? true,
    },
    runConfig: {
      ...runConfig,
      tracingDisabled: !(enableTracing ?? false),
      // one tool at a time, in the model's order: the journal order never depends on timing
      toolExecution: { ...runConfig.toolExecution, maxFunctionToolConcurrency: 1 },
    },
    ...(session === undefined ? {} : { session }),
    ...(approvals === undefined ? {} : { approvals }),
  };
}
