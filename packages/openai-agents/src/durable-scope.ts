/**
 * The durable run that Agents SDK code is executing in, found through AsyncLocalStorage.
 *
 * Model wrappers, durable tools and approvals look it up to reach the Restate context and the
 * journal settings, and to end the run: a cancellation observed anywhere (a model call, a tool, a
 * nested agent, an approval) aborts the whole run, and no model is called after it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isRestateControlError } from "@restate-ai/core";
import { type Context, TerminalError } from "@restatedev/restate-sdk";
import type { ModelCallSettings } from "./run-settings.js";

/** The reason a durable run's signal is aborted with: carries the error that ended the run. */
export class DurableRunAborted extends Error {
  readonly error: unknown;

  constructor(error: unknown) {
    super(`The durable run was ended by ${describe(error)}`);
    this.name = "DurableRunAborted";
    this.error = error;
  }
}

export class DurableScope {
  readonly ctx: Context;
  readonly settings: ModelCallSettings;
  private readonly controller = new AbortController();
  private ended: { error: unknown } | undefined;

  constructor(ctx: Context, settings: ModelCallSettings) {
    this.ctx = ctx;
    this.settings = settings;
  }

  /** Aborted when the run must end; also when the Restate attempt completes. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error that ended the run, if any. */
  get endedBy(): { error: unknown } | undefined {
    return this.ended;
  }

  /** Ends the run with `error` (the first one wins). */
  end(error: unknown): void {
    if (this.ended !== undefined) return;
    this.ended = { error };
    this.controller.abort(new DurableRunAborted(error));
  }

  run<T>(fn: () => T): T {
    return scopes.run(this, fn);
  }
}

/** Runs `call` as a step of the durable run, ending the run if Restate cancels or suspends it. */
export async function stepOf<T>(scope: DurableScope, call: () => Promise<T>): Promise<T> {
  const ended = scope.endedBy;
  if (ended !== undefined) throw ended.error;
  try {
    return await call();
  } catch (error) {
    if (isRestateControlError(error)) scope.end(error);
    throw error;
  }
}

const scopes = new AsyncLocalStorage<DurableScope>();

export function currentScope(): DurableScope | undefined {
  return scopes.getStore();
}

/**
 * The Restate context of the durable run this code runs in — for tools:
 *
 * ```ts
 * execute: async ({ city }) => restateContext().run("get weather", () => fetchWeather(city)),
 * ```
 *
 * @throws TerminalError when called outside a `DurableRunner` run.
 */
export function restateContext<T extends Context = Context>(): T {
  const scope = scopes.getStore();
  if (scope === undefined) {
    throw new TerminalError(
      "restateContext() was called outside a durable run: call it from a tool or callback of an agent run by DurableRunner / durableRun.",
    );
  }
  return scope.ctx as T;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
