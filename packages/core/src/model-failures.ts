/**
 * Decides how a failed model call is retried, for any provider client.
 *
 * Restate retries a journaled step until its retry policy is exhausted. A request the provider
 * rejected for good (bad request, bad key, unknown model, missing API key) fails the same way every
 * time, so it becomes a `TerminalError` at once instead of burning retries; a rate limit that says
 * when to come back (`retry-after`) is retried no sooner than that. A call its caller aborted
 * (the `abortSignal` of `generateText`, say) ends at once too: the AI SDK never retries an abort,
 * and retrying it here would call the model again and run the caller's error handling once per
 * attempt.
 *
 * Errors are recognised by shape, so neither SDK is a dependency: the AI SDK's `APICallError`
 * (`statusCode`, `isRetryable`, `responseHeaders`), the `openai` client's `APIError` (`status`,
 * `headers`), and configuration errors of both that no retry can fix.
 */
import { RetryableError, TerminalError } from "@restatedev/restate-sdk";
import { isTerminalError } from "./restate-errors.js";
import { withoutSecrets } from "./secret-redaction.js";

/** AI SDK errors raised before or instead of a request, which no retry can fix. */
const NEVER_RETRYABLE_AI_SDK = new Set([
  "AI_LoadAPIKeyError",
  "AI_LoadSettingError",
  "AI_InvalidPromptError",
  "AI_InvalidArgumentError",
  "AI_NoSuchModelError",
  "AI_UnsupportedFunctionalityError",
]);

interface HttpFailure {
  status?: number;
  headers: Record<string, string>;
  retryable: boolean;
  name: string;
}

/**
 * Maps an error thrown inside a journaled model call to what the step should throw, without
 * credentials (see `secret-redaction.ts`): Restate stores its message and the SDK logs it.
 *
 * @param label readable name of the model (e.g. `openai.responses/gpt-4o`), used in messages.
 * @param failFast turn errors that no retry can fix into a `TerminalError`.
 * @param signal the caller's abort signal: aborted, it makes any failure a `TerminalError`.
 */
export function classifyModelFailure(
  error: unknown,
  label: string,
  failFast: boolean,
  signal?: AbortSignal,
): unknown {
  return withoutSecrets(classify(error, label, failFast, signal));
}

function classify(error: unknown, label: string, failFast: boolean, signal?: AbortSignal): unknown {
  if (signal?.aborted === true && !isTerminalError(error)) {
    return new TerminalError(`${label}: aborted by the caller (${describeReason(signal.reason)})`, {
      metadata: { aborted: "true" },
    });
  }
  if (isTerminalError(error) || typeof error !== "object" || error === null) return error;
  const failure = httpFailure(error);
  const message = (error as { message?: unknown }).message;
  if (failure !== undefined) {
    if (!failure.retryable) {
      if (!failFast) return error;
      const status = failure.status === undefined ? "" : ` (HTTP ${failure.status})`;
      return new TerminalError(`${label}: ${String(message)}${status}`, {
        metadata: {
          provider_error: failure.name,
          ...(failure.status === undefined ? {} : { status: String(failure.status) }),
        },
      });
    }
    // named like the terminal failures: Restate ends with this message once retries run out
    const status = failure.status === undefined ? "" : ` (HTTP ${failure.status})`;
    const named = `${label}: ${String(message)}${status}`;
    const retryAfter = retryAfterMillis(failure.headers);
    if (retryAfter !== undefined) return new RetryableError(named, { retryAfter });
    return Object.assign(new Error(named), { name: failure.name });
  }
  if (failFast && isConfigurationError(error)) {
    const name = String((error as { name?: unknown }).name);
    return new TerminalError(`${label}: ${String(message)}`, {
      metadata: { provider_error: name },
    });
  }
  return error;
}

/** Runs a provider call, throwing what {@link classifyModelFailure} makes of its failure. */
export async function callModel<T>(
  label: string,
  failFast: boolean,
  call: () => T | PromiseLike<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw classifyModelFailure(error, label, failFast, signal);
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  return reason === undefined ? "no reason given" : String(reason);
}

function httpFailure(error: object): HttpFailure | undefined {
  const e = error as Record<string, unknown>;
  const name = typeof e.name === "string" ? e.name : "Error";
  if (typeof e.isRetryable === "boolean" && "statusCode" in e) {
    return {
      ...(typeof e.statusCode === "number" ? { status: e.statusCode } : {}),
      headers: lowerCase(e.responseHeaders),
      retryable: e.isRetryable,
      name,
    };
  }
  if (typeof e.status === "number" && "headers" in e) {
    return {
      status: e.status,
      headers: lowerCase(e.headers),
      retryable: isRetryableStatus(e.status),
      name,
    };
  }
  return undefined;
}

function isConfigurationError(error: object): boolean {
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (typeof name === "string" && NEVER_RETRYABLE_AI_SDK.has(name)) return true;
  // The openai client's missing-key error is a plain OpenAIError (its `name` is just "Error"),
  // recognisable only by its class and text: "Missing credentials. Please pass an `apiKey`...".
  const openaiError = name === "OpenAIError" || error.constructor?.name === "OpenAIError";
  return openaiError && typeof message === "string" && /api[_ ]?key|credentials/i.test(message);
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function lowerCase(headers: unknown): Record<string, string> {
  const entries =
    headers instanceof Headers
      ? [...headers.entries()]
      : typeof headers === "object" && headers !== null
        ? Object.entries(headers as Record<string, unknown>)
        : [];
  return Object.fromEntries(entries.map(([key, value]) => [key.toLowerCase(), String(value)]));
}

/** Reads OpenAI's `retry-after-ms` or the standard `retry-after` (seconds or HTTP date). */
function retryAfterMillis(headers: Record<string, string>): number | undefined {
  const ms = Number.parseFloat(headers["retry-after-ms"] ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers["retry-after"];
  if (value === undefined) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  // Runs inside the journaled step (its failure is never journaled), so reading the clock is safe.
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
