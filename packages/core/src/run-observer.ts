/**
 * Lets a chat stream publisher follow a durable run without adding anything to its journal.
 *
 * Observers are registered per Restate context. The durable building blocks report to the one of
 * their context: `durableStream` tells, for every model step, whether it runs live in this attempt
 * (its `ctx.run` executes) or is replayed from the journal; `awaitApproval` tells about every
 * approval it waits for, live or replayed. The hooks run in the same order on every execution, and
 * never call the context, so a replay cannot mismatch.
 */
import type { Context } from "@restatedev/restate-sdk";
import type { ApprovalRequest } from "./human-approval.js";

/** What an observer learns about one model step (one `durableStream`). */
export interface ModelStepObservation {
  /**
   * Called inside the step's `ctx.run`, before the provider is called: the step runs live in this
   * attempt. Before the step is journaled, the returned function is called and awaited.
   */
  live(): (() => PromiseLike<void>) | undefined;
  /** Called when the step's journal entry was replayed, before its parts are emitted. */
  replayed(): void;
}

export interface RunObserver {
  /** Called when a model step starts, in the order the run starts them. */
  modelStep(): ModelStepObservation;
  /**
   * Called for every approval the run waits for (also on replay), after its journal entries were
   * created; the run waits for the answer only once the returned promise resolved.
   */
  approvalRequested(request: ApprovalRequest): PromiseLike<void> | undefined;
}

const observers = new WeakMap<Context, RunObserver>();

/** Reports the durable steps run with `ctx` to `observer`, until the returned function is called. */
export function observeRun(ctx: Context, observer: RunObserver): () => void {
  if (observers.has(ctx)) {
    throw new Error(
      "Another chat stream already follows this Restate context: publish one chat stream per handler execution.",
    );
  }
  observers.set(ctx, observer);
  return () => {
    if (observers.get(ctx) === observer) observers.delete(ctx);
  };
}

/** The observer of `ctx`, if any. */
export function runObserverOf(ctx: Context): RunObserver | undefined {
  return observers.get(ctx);
}
