/**
 * Keeps credentials out of everything Restate stores or the service logs.
 *
 * Journal values are what our adapters decide to keep; failures are not: the message of every
 * error that leaves a journaled step is stored by Restate (`completion_failure`, `last_failure`,
 * journaled `TerminalError`s), and the SDK logs the error object itself — with everything a provider
 * client hung on it (the request body, response headers and body, the URL, its `cause`). Provider
 * messages echo keys ("Incorrect API key provided: sk-proj-****abcd"), proxies echo headers.
 *
 * - {@link redactSecrets}: masks API keys and tokens in a text: known formats (`sk-…`, `AIza…`,
 *   `Bearer …`, JWTs, `api-key: …` / `authorization=…` pairs, credentials in URLs), masked or not,
 *   and the values of this process's environment variables whose names say they are secret.
 * - {@link withoutSecrets}: an error as it may leave a journaled step: its class (terminal,
 *   retryable, other), name, code, retry delay and redacted message and stack; nothing else.
 * - {@link journaledHeaders}: the response headers a journal keeps: an allow-list of diagnostics
 *   (request ids, rate limits, retry delays); cookies, auth and anything unknown are dropped.
 */
import { RetryableError, TerminalError } from "@restatedev/restate-sdk";
import { isRestateControlError, isTerminalError } from "./restate-errors.js";

const REDACTED = "[redacted]";

/** Key and token formats, masked (`sk-proj-****abcd`, `sk-...wxyz`) or not. */
const TOKEN_PATTERNS: RegExp[] = [
  // OpenAI, Anthropic (sk-ant-), DeepSeek, Stripe (sk_live_, rk_live_), also masked
  /\b(?:sk|rk)[-_][A-Za-z0-9_*.-]{3,}/g,
  /[A-Za-z0-9_-]*\*{4,}[A-Za-z0-9_-]*/g, // any other masked key: abcd****wxyz
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google
  /\b(?:gsk|hf|xai|pplx|ghp|gho|ghu|ghs|ghr|github_pat|glpat)[_-][A-Za-z0-9_*.-]{8,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{8,}/g, // Slack
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWTs
];
/** `<scheme> <credentials>` in an Authorization value. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token|Digest)\s+[A-Za-z0-9._~+/=*-]{6,}/gi;
/** `name: value` / `name=value` pairs whose name says the value is a credential. */
const SECRET_PAIR =
  /\b((?:x-)?(?:api[-_ ]?key|authorization|auth[-_]?token|access[-_]?token|refresh[-_]?token|client[-_]?secret|secret|password|passwd|token|x-goog-api-key)["']?\s*[:=]\s*["']?(?:(?:Bearer|Basic|Token)\s+)?)(?!(?:(?:Bearer|Basic|Token)\s+)?\[redacted\])[^\s"',;&)}\]]{4,}/gi;
/** `scheme://user:password@host` */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;
/** Environment variables whose values are secrets. */
const SECRET_ENV_NAME =
  /(?:API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_?KEY|AUTH|(?:^|_)KEYS?$)/i;
const MIN_SECRET_LENGTH = 8;

/** Masks credentials in `text` (see the module comment for what is recognised). */
export function redactSecrets(text: string): string {
  let redacted = text;
  for (const secret of environmentSecrets()) redacted = redacted.replaceAll(secret, REDACTED);
  redacted = redacted
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(AUTH_SCHEME, `$1 ${REDACTED}`)
    .replace(SECRET_PAIR, `$1${REDACTED}`);
  for (const pattern of TOKEN_PATTERNS) redacted = redacted.replace(pattern, REDACTED);
  return redacted;
}

/**
 * `error` as it may leave a journaled step: a `TerminalError` stays one (code and metadata kept,
 * message redacted), a `RetryableError` keeps its retry delay, any other error becomes a plain
 * `Error` of the same name with a redacted message and stack. Provider fields (request and response
 * bodies, headers, URLs) and the `cause` are dropped. Restate's control errors (cancellation,
 * suspension) pass unchanged.
 */
export function withoutSecrets(error: unknown): unknown {
  if (typeof error === "string") return redactSecrets(error);
  if (typeof error !== "object" || error === null || isRestateControlError(error)) return error;
  const { name, message, stack } = error as { name?: unknown; message?: unknown; stack?: unknown };
  const text = redactSecrets(typeof message === "string" ? message : String(message ?? name));
  let safe: Error;
  if (isTerminalError(error)) {
    const { code, metadata } = error as { code?: number; metadata?: Record<string, string> };
    safe = new TerminalError(text, {
      ...(code === undefined ? {} : { errorCode: code }),
      ...(metadata === undefined ? {} : { metadata: redactedRecord(metadata) }),
    });
  } else if (error instanceof RetryableError) {
    safe = new RetryableError(text, {
      ...(error.code === undefined ? {} : { errorCode: error.code }),
      ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    });
  } else {
    safe = new Error(text);
    if (typeof name === "string") safe.name = name;
  }
  if (typeof stack === "string") safe.stack = redactSecrets(stack);
  return safe;
}

/** Response headers that a journal keeps by default: diagnostics, never credentials or cookies. */
export const JOURNALED_RESPONSE_HEADERS: readonly (string | RegExp)[] = [
  "content-type",
  "x-request-id",
  "request-id",
  "openai-processing-ms",
  "retry-after",
  "retry-after-ms",
  /^x-ratelimit-/,
  /^anthropic-ratelimit-/,
];

/**
 * The allow-listed entries of `headers` (names lower-cased), or `undefined` if none is left.
 *
 * @param allow names (lower case) or patterns; default {@link JOURNALED_RESPONSE_HEADERS}.
 */
export function journaledHeaders(
  headers: Record<string, string | undefined> | undefined,
  allow: readonly (string | RegExp)[] = JOURNALED_RESPONSE_HEADERS,
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const kept: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (value === undefined) continue;
    if (allow.some((a) => (typeof a === "string" ? a === name : a.test(name)))) kept[name] = value;
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}

/** `record` with its `headers` reduced by {@link journaledHeaders}. */
export function withJournaledHeaders<T extends { headers?: Record<string, string | undefined> }>(
  record: T,
): T {
  if (record.headers === undefined) return record;
  const { headers, ...rest } = record;
  const kept = journaledHeaders(headers);
  return (kept === undefined ? rest : { ...rest, headers: kept }) as T;
}

function redactedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, redactSecrets(String(value))]),
  );
}

function environmentSecrets(): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && SECRET_ENV_NAME.test(name)) {
      secrets.push(value);
    }
  }
  // longest first, so a secret containing another is masked whole
  return secrets.sort((a, b) => b.length - a.length);
}
