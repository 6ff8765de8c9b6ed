/**
 * The retry policy of journaled model calls when the caller sets none.
 *
 * Restate retries a failing `ctx.run` forever by default. A model provider that is down should end
 * in a clear `TerminalError` instead of an invocation that retries forever, so calls get 10
 * attempts, backing off from 1 s to 30 s, unless the caller bounds them differently.
 */
import type { RunOptions } from "@restatedev/restate-sdk";

/** Restate's retry options for a journaled step (`RunOptions` without the serde). */
export type RetryOptions = Omit<RunOptions<unknown>, "serde">;

const DEFAULT_MAX_ATTEMPTS = 10;
const DEFAULT_INITIAL_INTERVAL_MS = 1_000;
const DEFAULT_MAX_INTERVAL_MS = 30_000;

/** The caller's retry options over the defaults; no attempt limit is added to a duration limit. */
export function boundedRetryPolicy(options: RetryOptions = {}): RetryOptions {
  const bounded = options.maxRetryAttempts !== undefined || options.maxRetryDuration !== undefined;
  return {
    ...(bounded ? {} : { maxRetryAttempts: DEFAULT_MAX_ATTEMPTS }),
    initialRetryInterval: DEFAULT_INITIAL_INTERVAL_MS,
    maxRetryInterval: DEFAULT_MAX_INTERVAL_MS,
    ...definedOnly(options),
  };
}

function definedOnly(options: RetryOptions): RetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
