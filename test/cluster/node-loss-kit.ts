/**
 * What the node-loss scenarios share around one cluster suite: the N-step script (answers
 * numbered for the ledger, a fixed model latency, first answers held by a start gate), the
 * fault-free output of each variant, waiting until runs are mid-run, confirming which runs the
 * victim leads at the kill, the checks every scenario makes, and one figures row per variant.
 */
import type { ModelRequest, Reply } from "@restate-ai/test-harness";
import { outputOf } from "@restate-ai/test-harness";
import { expect, vi } from "vitest";
import {
  effectsOf,
  type Mode,
  parseStepsPrompt,
  type Sdk,
  stepsPrompt,
  stepsScript,
  variants,
} from "../reliability/reliability-env.ts";
import type { AnswerLedger } from "../reliability/replay-accounting.ts";
import {
  type ClusterSuite,
  normalised,
  type PlacedRun,
  reportClusterFigures,
  StartGate,
  spreadOf,
  stallAfter,
} from "./cluster-env.ts";

export const variantOf = (run: { sdk: Sdk; mode: Mode }) => `${run.sdk} ${run.mode}`;

interface Run {
  key: string;
  sdk: Sdk;
  mode: Mode;
}

export interface ReportDetails {
  kills: number;
  /** When the kill that hit `run` happened. */
  killedAt: (run: { key: string }) => number;
  started: number;
  notes?: string;
  /** A re-attached client's figures: lost connection → result, and result after completion. */
  reattach?: (run: { key: string }) => { lostMs: number; afterCompletionMs: number } | undefined;
}

export class NodeLossKit {
  readonly suite: ClusterSuite;
  readonly steps: number;
  readonly latencyMs: number;
  readonly gate = new StartGate();
  /** The fault-free output of each variant, normalised. */
  readonly expected = new Map<string, string>();
  /** The longest pause in a fault-free run's progress, for comparison with the stalls. */
  faultFreePauseMs = 0;

  constructor(suite: ClusterSuite, steps: number, latencyMs: number) {
    this.suite = suite;
    this.steps = steps;
    this.latencyMs = latencyMs;
  }

  input(key: string) {
    return { key, prompt: stepsPrompt(key, this.steps) };
  }

  /** Fresh counts; answers numbered by `ledger`, each taking `latencyMs`, step 0 held by `gate`. */
  script(ledger: AnswerLedger): void {
    this.suite.probe.reset();
    this.suite.fake.reset(
      stepsScript({
        nonce: ledger.nonce,
        decorate: async (request, reply) => {
          const key = parseStepsPrompt(request)?.key;
          if (key !== undefined && request.step === 0) await this.gate.pass(key);
          return { ...reply, latencyMs: this.latencyMs };
        },
      }),
    );
  }

  waitUntil(what: string, done: () => boolean): Promise<void> {
    return vi.waitFor(
      () => {
        if (!done()) {
          throw new Error(`still waiting: ${what}\n${this.suite.restate.output().slice(-4000)}`);
        }
      },
      { timeout: 60_000, interval: 20 },
    );
  }

  /** Runs have made progress: each has applied its first tool effect. */
  midRun(runs: { key: string }[]): Promise<void> {
    return this.waitUntil("every run applied its first tool effect", () =>
      runs.every((run) => effectsOf(this.suite, run.key).size >= 1),
    );
  }

  /**
   * Which runs the node leads right before it is killed (placement saw the leaders a moment
   * earlier); each variant must have one, or the scenario would not test what it says.
   */
  async markVictims(runs: PlacedRun[], victim: number): Promise<void> {
    const leaders = await this.suite.restate.leaders();
    for (const run of runs) run.onVictim = leaders.get(run.partition) === victim;
    for (const { sdk, mode } of variants) {
      const hit = runs.filter((r) => r.sdk === sdk && r.mode === mode && r.onVictim);
      expect(hit.length, `${sdk} ${mode} runs on n${victim}'s partitions`).toBeGreaterThan(0);
    }
  }

  /**
   * The checks every scenario makes: fault-free output, no journaled model call requested again,
   * every tool effect once, no mismatch.
   */
  async verify(runs: Run[], outputs: { text: string }[], ledger: AnswerLedger): Promise<void> {
    runs.forEach((run, i) => {
      expect(normalised(outputs[i], run.key), run.key).toBe(this.expected.get(variantOf(run)));
    });
    const texts = runs.map((run, i) => ({ key: run.key, text: outputs[i]?.text ?? "" }));
    const accounting = ledger.account(this.suite, texts, this.steps);
    expect(accounting.journaledRepeats).toEqual([]);
    expect(accounting.missingEffects).toEqual([]);
    expect(accounting.effectsApplied).toBe(runs.length * (this.steps - 1));
    expect(this.suite.mismatchReports).toEqual([]);
    expect(await this.suite.restate.mismatched()).toEqual([]);
  }

  /** One row per variant of a scenario, for `npm run test:reliability`. */
  async report(
    scenario: string,
    runs: (Run & { onVictim: boolean })[],
    outputs: { text: string }[],
    ledger: AnswerLedger,
    details: ReportDetails,
  ): Promise<void> {
    for (const { sdk, mode } of variants) {
      const mine = runs.flatMap((run, i) =>
        run.sdk === sdk && run.mode === mode ? [{ run, text: outputs[i]?.text ?? "" }] : [],
      );
      const accounting = ledger.account(
        this.suite,
        mine.map(({ run, text }) => ({ key: run.key, text })),
        this.steps,
      );
      const stallMs = spreadOf(
        mine.flatMap(({ run }) =>
          run.onVictim ? (stallAfter(this.suite, run.key, details.killedAt(run)) ?? []) : [],
        ),
      );
      const reattached = mine.flatMap(({ run }) => details.reattach?.(run) ?? []);
      const reattachMs = spreadOf(reattached.map((r) => r.lostMs));
      const afterCompletionMs = spreadOf(reattached.map((r) => r.afterCompletionMs));
      const onVictim = `${mine.filter(({ run }) => run.onVictim).length} of ${mine.length} on the killed node's partitions`;
      await reportClusterFigures({
        scenario: `${scenario}, ${sdk} ${mode}`,
        runs: mine.length,
        passes: mine.length,
        llmRequestsPerStep: accounting.requests / (mine.length * this.steps),
        duplicates: accounting.journaledRepeats.length,
        mismatches: this.suite.mismatchReports.length,
        seconds: (Date.now() - details.started) / 1000,
        notes: `${details.notes ?? onVictim}; ${accounting.effectRepeats} in-flight tool effects ran again; fault-free longest pause ${this.faultFreePauseMs} ms`,
        cluster: {
          kills: details.kills,
          agents: `${sdk} ${mode}`,
          inFlightRepeats: accounting.inFlightRepeats,
          ...(stallMs === undefined ? {} : { stallMs }),
          ...(reattachMs === undefined ? {} : { reattachMs }),
          ...(afterCompletionMs === undefined ? {} : { afterCompletionMs }),
        },
      });
    }
  }
}

/**
 * Step 0 asks for an approval; step 1 answers with what the reviewer decided, numbered by how
 * often step 1 was requested for that run, so the journaled answer shows whether it was the last.
 */
export function approvalScript(): (request: ModelRequest) => Reply {
  const asked = new Map<string, number>();
  return (request) => {
    const key = /Agent (\S+): needs approval/.exec(request.userText)?.[1];
    if (key === undefined) return { text: "ok" };
    if (request.step === 0) {
      return { toolCalls: [{ name: "request_approval", args: { reason: `refund ${key}` } }] };
    }
    const n = (asked.get(key) ?? 0) + 1;
    asked.set(key, n);
    return { text: `Done ${key} (#${n}): ${outputOf(request, "request_approval")}` };
  };
}
