/**
 * Decides how a failed provider call is retried.
 *
 * Restate retries a journaled step until its retry policy is exhausted. A request that the
 * provider rejected for good (bad request, bad key, unknown model, missing API key) fails the same
 * way every time, so it becomes a `TerminalError` at once instead of burning retries; a rate limit
 * that says when to come back (`retry-after`) is retried no sooner than that.
 */
import { AISDKError, APICallError } from "@ai-sdk/provider";
import { isTerminalError } from "@restate-ai/core";
import { RetryableError, TerminalError } from "@restatedev/restate-sdk";

/** AI SDK errors raised before or instead of a request that no retry can fix. */
const NEVER_RETRYABLE = new Set([
  "AI_LoadAPIKeyError",
  "AI_LoadSettingError",
  "AI_InvalidPromptError",
  "AI_InvalidArgumentError",
  "AI_NoSuchModelError",
  "AI_UnsupportedFunctionalityError",
]);

/**
 * Maps an error thrown inside a journaled model call to what the step should throw.
 *
 * @param step readable name of the call, e.g. `openai.responses/gpt-4o`, used in messages.
 * @param failFast turn non-retryable provider errors into a `TerminalError`.
 */
export function classifyProviderError(error: unknown, step: string, failFast: boolean): unknown {
  if (isTerminalError(error)) return error;
  if (APICallError.isInstance(error)) {
    if (!error.isRetryable && failFast) {
      const status = error.statusCode === undefined ? "" : ` (HTTP ${error.statusCode})`;
      return new TerminalError(`${step}: ${error.message}${status}`, {
        metadata: {
          provider_error: error.name,
          ...(error.statusCode === undefined ? {} : { status: String(error.statusCode) }),
        },
      });
    }
    const retryAfter = retryAfterMillis(error.responseHeaders);
    if (error.isRetryable && retryAfter !== undefined) {
      return RetryableError.from(error, { retryAfter });
    }
    return error;
  }
  if (failFast && AISDKError.isInstance(error) && NEVER_RETRYABLE.has(error.name)) {
    return new TerminalError(`${step}: ${error.message}`, {
      metadata: { provider_error: error.name },
    });
  }
  return error;
}

/** Reads OpenAI's `retry-after-ms` or the standard `retry-after` (seconds or HTTP date). */
function retryAfterMillis(headers: Record<string, string> | undefined): number | undefined {
  if (headers === undefined) return undefined;
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number.parseFloat(lower["retry-after-ms"] ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = lower["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  // Runs inside the journaled step (its failure is never journaled), so reading the clock is safe.
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
