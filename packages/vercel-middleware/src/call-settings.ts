/**
 * Options of the journaled model and embedding calls, and the defaults they fall back to.
 *
 * Defaults are chosen so that a provider outage ends in a clear `TerminalError` instead of an
 * invocation that retries forever: 10 attempts, backing off from 1 s to 30 s.
 */
import { superJson } from "@restate-ai/core";
import type { RunOptions, Serde } from "@restatedev/restate-sdk";

/**
 * Options of {@link durableCalls} and {@link durableEmbeds}: Restate's `RunOptions` for the
 * journaled step plus what is journaled.
 */
export interface DurableCallsOptions extends Omit<RunOptions<unknown>, "serde"> {
  /** Serde of the journal entries. Default: {@link superJson} (keeps `Date`, `Uint8Array`, `URL`). */
  serde?: Serde<unknown>;
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
}

/** The resolved form of {@link DurableCallsOptions}. */
export interface CallSettings {
  runOptions: RunOptions<unknown>;
  journalBodies: boolean;
  nonRetryableIsTerminal: boolean;
}

const DEFAULT_MAX_ATTEMPTS = 10;
const DEFAULT_INITIAL_INTERVAL_MS = 1_000;
const DEFAULT_MAX_INTERVAL_MS = 30_000;

export function resolveCallSettings(options: DurableCallsOptions = {}): CallSettings {
  const { journalBodies, nonRetryableIsTerminal, serde, ...retry } = options;
  const bounded = retry.maxRetryAttempts !== undefined || retry.maxRetryDuration !== undefined;
  return {
    runOptions: {
      ...(bounded ? {} : { maxRetryAttempts: DEFAULT_MAX_ATTEMPTS }),
      initialRetryInterval: DEFAULT_INITIAL_INTERVAL_MS,
      maxRetryInterval: DEFAULT_MAX_INTERVAL_MS,
      ...retry,
      serde: serde ?? superJson,
    },
    journalBodies: journalBodies ?? false,
    nonRetryableIsTerminal: nonRetryableIsTerminal ?? true,
  };
}

/** Readable identity of a model in journal entry names and error messages. */
export function modelLabel(model: { provider: string; modelId: string }): string {
  return `${model.provider}/${model.modelId}`;
}
