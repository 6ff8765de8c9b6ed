/**
 * Telling a repeated step that was in flight (allowed) from a journaled step that ran again (a
 * bug), for runs of the N-step agent. Every model answer carries a nonce; the tool records the
 * nonce of the answer it acted on — the journaled one — and the final answer quotes its own. A
 * journaled answer must be the last one requested for its step: a later request for that step
 * means a journaled model call was made again.
 */
import type { AgentSuite, ModelRequest } from "@restate-ai/test-harness";
import { parseStepsPrompt } from "./reliability-env.ts";

export interface ReplayAccounting {
  requests: number;
  /** `key step n` whose journaled answer was followed by another request for that step. */
  journaledRepeats: string[];
  /** Requests beyond one per step: steps that were in flight when an attempt died. */
  inFlightRepeats: number;
  /** Distinct idempotency keys among the tool effects. */
  effectsApplied: number;
  /** Tool effects that ran again (same idempotency key): in flight when an attempt died. */
  effectRepeats: number;
  /** `key step n` without any tool effect. */
  missingEffects: string[];
}

export class AnswerLedger {
  private readonly issued = new Map<string, number[]>();
  private last = 0;

  /** The script's `nonce` option: numbers every answer and remembers its run and step. */
  readonly nonce = (request: ModelRequest): number => {
    const nonce = ++this.last;
    const run = parseStepsPrompt(request);
    if (run !== undefined) {
      const name = `${run.key} step ${request.step}`;
      this.issued.set(name, [...(this.issued.get(name) ?? []), nonce]);
    }
    return nonce;
  };

  account(
    suite: Pick<AgentSuite, "probe">,
    runs: { key: string; text: string }[],
    steps: number,
  ): ReplayAccounting {
    const acted = new Map<string, Set<number>>();
    const ids = new Set<string>();
    let effects = 0;
    const keys = new Set(runs.map((run) => run.key));
    for (const effect of suite.probe.list("tool-effect")) {
      const data = effect.data as { key: string; step: number; nonce: number; id: string };
      if (!keys.has(data.key)) continue;
      effects++;
      ids.add(data.id);
      const name = `${data.key} step ${data.step}`;
      acted.set(name, new Set([...(acted.get(name) ?? []), data.nonce]));
    }
    for (const run of runs) {
      const final = /\((\d+)\)/.exec(run.text)?.[1];
      if (final !== undefined) acted.set(`${run.key} step ${steps - 1}`, new Set([Number(final)]));
    }
    let requests = 0;
    const journaledRepeats: string[] = [];
    const missingEffects: string[] = [];
    for (const run of runs) {
      for (let step = 0; step < steps; step++) {
        const name = `${run.key} step ${step}`;
        const issued = this.issued.get(name) ?? [];
        requests += issued.length;
        const used = [...(acted.get(name) ?? [])];
        if (used.length === 0) missingEffects.push(name);
        else if (used.length > 1 || used[0] !== issued.at(-1)) journaledRepeats.push(name);
      }
    }
    return {
      requests,
      journaledRepeats,
      inFlightRepeats: requests - runs.length * steps,
      effectsApplied: ids.size,
      effectRepeats: effects - ids.size,
      missingEffects,
    };
  }
}
