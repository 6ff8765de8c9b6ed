/**
 * Recognises Restate's control-flow errors wherever they come from.
 *
 * Agent SDKs catch tool errors and hand them to the model; the adapters must instead let
 * cancellation, suspension and terminal failures escape. `instanceof` alone is not enough:
 * an app may load a second copy of the SDK (another bundle, e.g. the Cloudflare Workers
 * build), so errors are also recognised by their stable `name` and `code`.
 */
import { RestateError, TerminalError } from "@restatedev/restate-sdk";

const CANCELLED_CODE = 409;
const TIMEOUT_CODE = 408;
const CLOSED_CODE = 598;
const SUSPENDED_CODE = 599;
const TERMINAL_NAMES = new Set(["TerminalError", "TimeoutError", "CancelledError"]);

type Coded = { name?: unknown; code?: unknown };

function fields(error: unknown): Coded | undefined {
  return typeof error === "object" && error !== null ? (error as Coded) : undefined;
}

/** A `TerminalError` (including `TimeoutError` and `CancelledError`) from any SDK copy. */
export function isTerminalError(error: unknown): error is TerminalError {
  if (error instanceof TerminalError) return true;
  const e = fields(error);
  if (e === undefined || typeof e.code !== "number") return false;
  if (e.name === "TimeoutError") return e.code === TIMEOUT_CODE;
  if (e.name === "CancelledError") return e.code === CANCELLED_CODE;
  return TERMINAL_NAMES.has(e.name as string);
}

/** The invocation was cancelled (`CancelledError`, code 409). */
export function isCancelledError(error: unknown): error is TerminalError {
  const e = fields(error);
  return e?.name === "CancelledError" && e.code === CANCELLED_CODE;
}

/**
 * The current attempt is ending without a failure of its own: the invocation suspended (599)
 * or its connection closed (598). Such an error must reach the SDK untouched; it is never a
 * tool result.
 */
export function isAttemptEndingError(error: unknown): error is RestateError {
  const e = fields(error);
  if (e === undefined || (e.code !== SUSPENDED_CODE && e.code !== CLOSED_CODE)) return false;
  return error instanceof RestateError || e.name === "RestateError";
}

/** Errors that must end an agent loop rather than be shown to the model. */
export function isRestateControlError(error: unknown): boolean {
  return isCancelledError(error) || isAttemptEndingError(error);
}
