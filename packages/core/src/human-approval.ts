/**
 * Waits for a human decision on a tool call, durably.
 *
 * The wait is a Restate awakeable (or, in a workflow, a durable promise): the invocation suspends
 * while nobody answers and costs no compute; a crash or restart resumes the same wait, with the
 * same deadline. The reviewer is told how to answer by a callback that runs once, as a journaled
 * step. Everything is keyed on the tool call id the model chose (journaled), never on ids an SDK
 * draws at random on every execution.
 */
import {
  type Context,
  type Duration,
  type RestatePromise,
  TerminalError,
  type WorkflowContext,
} from "@restatedev/restate-sdk";
import { isTerminalError } from "./restate-errors.js";
import { runObserverOf } from "./run-observer.js";

/** The tool call a human is asked about. */
export interface ApprovalSubject {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** What the reviewer's callback gets: the subject and where to send the answer. */
export interface ApprovalRequest extends ApprovalSubject {
  /** Resolve this awakeable (`POST /restate/awakeables/{id}/resolve`), in awakeable mode. */
  awakeableId?: string;
  /** Resolve this durable promise of the workflow, in workflow-promise mode. */
  promiseName?: string;
}

/** A reviewer's answer: `true`/`false`, or `{ approved, reason? }`. */
export type ApprovalAnswer = boolean | { approved: boolean; reason?: string };

export interface ApprovalDecision {
  approved: boolean;
  reason?: string;
}

export interface ApprovalOptions {
  /**
   * Tells a reviewer about the request (e.g. posts the awakeable id to a review queue). Runs once,
   * inside `ctx.run`, so it must not use the Restate context itself.
   */
  onRequest: (request: ApprovalRequest) => unknown | Promise<unknown>;
  /** Deny the call when no answer arrives within this time (a durable timer). */
  timeout?: Duration | number;
  /**
   * Wait on a durable promise of the workflow (`ctx.promise`) named `approval-<toolCallId>`
   * instead of an awakeable; requires a `WorkflowContext`.
   */
  via?: "awakeable" | "workflow-promise";
}

/** Reason given when the timeout elapses. */
export const TIMED_OUT = "timed out";

/**
 * Asks for a decision on `subject` and waits for it. Its journal entries (the wait, the request,
 * the timer) are all created before the first await, so several approvals started together
 * journal in the order they were started.
 */
export function awaitApproval(
  ctx: Context,
  subject: ApprovalSubject,
  options: ApprovalOptions,
): Promise<ApprovalDecision> {
  const request: ApprovalRequest = { ...subject };
  let answer: RestatePromise<unknown>;
  if (options.via === "workflow-promise") {
    request.promiseName = `approval-${subject.toolCallId}`;
    answer = (ctx as WorkflowContext).promise<unknown>(request.promiseName).get();
  } else {
    const awakeable = ctx.awakeable<unknown>();
    request.awakeableId = awakeable.id;
    answer = awakeable.promise;
  }
  const requested = ctx.run(
    `request approval ${subject.toolName} ${subject.toolCallId}`,
    async () => {
      await options.onRequest(request);
    },
  );
  const answered = options.timeout === undefined ? answer : answer.orTimeout(options.timeout);
  const shown = runObserverOf(ctx)?.approvalRequested(request);
  return decide(requested, shown, answered, subject);
}

async function decide(
  requested: PromiseLike<void>,
  shown: PromiseLike<void> | undefined,
  answered: PromiseLike<unknown>,
  subject: ApprovalSubject,
): Promise<ApprovalDecision> {
  await requested;
  await shown;
  let value: unknown;
  try {
    value = await answered;
  } catch (error) {
    if (isTerminalError(error) && error.name === "TimeoutError") {
      return { approved: false, reason: TIMED_OUT };
    }
    throw error;
  }
  return parseAnswer(value, subject);
}

function parseAnswer(value: unknown, subject: ApprovalSubject): ApprovalDecision {
  if (typeof value === "boolean") return { approved: value };
  if (typeof value === "object" && value !== null && "approved" in value) {
    const { approved, reason } = value as { approved: unknown; reason?: unknown };
    if (typeof approved === "boolean" && (reason === undefined || typeof reason === "string")) {
      return reason === undefined ? { approved } : { approved, reason };
    }
  }
  throw new TerminalError(
    `The approval of ${subject.toolName} (${subject.toolCallId}) was answered with ${JSON.stringify(value)}; expected true, false or { "approved": boolean, "reason"?: string }.`,
  );
}
