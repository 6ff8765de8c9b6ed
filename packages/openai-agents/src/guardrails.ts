/**
 * Guardrails of durable runs run one at a time, before the model call.
 *
 * The Agents SDK runs a check's guardrails concurrently, and input guardrails concurrently with
 * the agent's first model call (`runInParallel`, default `true`). A guardrail doing Restate work —
 * as the SDK's docs show, it runs a guardrail agent, whose model calls are journaled in a durable
 * run — would then await Restate while the model call does, which the Restate SDK refuses (one
 * pending await at a time: "awaitNext already pending"), and their journal order would depend on
 * timing. So in a durable run an input guardrail blocks (`runInParallel` reads `false`) and the
 * guardrails of one run execute in their list order, each once the one before it settled.
 * Outside durable runs a guardrail behaves as written. Guardrails are changed in place, once.
 */
import type { InputGuardrail, OutputGuardrail, RunContext } from "@openai/agents";
import { Turnstile } from "@restate-ai/core";
import { currentScope } from "./durable-scope.js";

/** Set on a sequential guardrail: the `execute` it was written with. */
const ORIGINAL = Symbol.for("@restate-ai/openai-agents/sequential-guardrail");

type Guardrail = (InputGuardrail | OutputGuardrail) & { [ORIGINAL]?: Execute };
type Execute = (args: { context?: RunContext<unknown> }) => unknown;

/** The turnstile of each run, found through the run's context (a nested run has its own). */
const turnstiles = new WeakMap<object, Turnstile>();

/** Makes `guardrails` sequential inside durable runs (see above). */
export function makeGuardrailsSequential(guardrails: readonly Guardrail[]): void {
  for (const guardrail of guardrails) {
    if (guardrail[ORIGINAL] !== undefined) continue;
    const execute = guardrail.execute as unknown as Execute;
    let runInParallel = (guardrail as InputGuardrail).runInParallel;
    Object.defineProperties(guardrail, {
      [ORIGINAL]: { value: execute },
      runInParallel: {
        configurable: true,
        enumerable: true,
        get: () => (currentScope() === undefined ? runInParallel : false),
        set: (value: boolean | undefined) => {
          runInParallel = value;
        },
      },
      execute: {
        configurable: true,
        enumerable: true,
        writable: true,
        value: (args: { context?: RunContext<unknown> }) =>
          currentScope() === undefined || args.context === undefined
            ? execute(args)
            : turnstileOf(args.context).run(() => execute(args)),
      },
    });
  }
}

/** Copies of run-level guardrails (`RunConfig`), for a runner that only runs durably. */
export function sequentialCopies<T extends Guardrail>(guardrails: readonly T[] | undefined) {
  if (guardrails === undefined) return undefined;
  const copies = guardrails.map((guardrail) => ({
    ...guardrail,
    execute: guardrail[ORIGINAL] ?? guardrail.execute,
    runInParallel: false,
  }));
  makeGuardrailsSequential(copies);
  return copies as T[];
}

function turnstileOf(context: object): Turnstile {
  let turnstile = turnstiles.get(context);
  if (turnstile === undefined) {
    turnstile = new Turnstile();
    turnstiles.set(context, turnstile);
  }
  return turnstile;
}
