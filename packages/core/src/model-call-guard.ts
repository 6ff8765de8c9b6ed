/**
 * One model call at a time per Restate context.
 *
 * Several agent loops started together in one handler (`Promise.all` over `generateText` calls,
 * or over `DurableRunner.run`s) issue their Restate operations in an order that depends on
 * timing, so a replay would not match the journal and Restate would retry the invocation forever.
 * Within one agent loop, model calls never overlap. So a model call that starts while another one
 * of the same context is still in flight fails at once with a `TerminalError` naming the
 * supported way: each agent an invocation of its own, combined with `RestatePromise.all`.
 */
import { type Context, TerminalError } from "@restatedev/restate-sdk";

const inFlight = new WeakMap<Context, number>();

/**
 * Marks a model call of `ctx` as started and returns the function that marks it settled (once
 * its journal entry is journaled or failed).
 *
 * @throws TerminalError when another model call of `ctx` is in flight.
 */
export function enterModelCall(ctx: Context, fix: string): () => void {
  const calls = inFlight.get(ctx) ?? 0;
  if (calls > 0) {
    throw new TerminalError(
      "Several agent runs made model calls on one Restate context at the same time, e.g. started together with Promise.all. " +
        "Their Restate operations interleave by timing, so a replay would not match the journal. " +
        `Run each agent in an invocation of its own and combine the calls with RestatePromise.all (${fix}), or run them one after another.`,
    );
  }
  inFlight.set(ctx, calls + 1);
  let left = false;
  return () => {
    if (left) return;
    left = true;
    inFlight.set(ctx, Math.max(0, (inFlight.get(ctx) ?? 1) - 1));
  };
}
