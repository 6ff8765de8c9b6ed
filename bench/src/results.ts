/** The figures one bench run produces (written as JSON next to the markdown report). */
import type { Spread } from "./stats.ts";

export interface LatencyCell {
  contender: string;
  latencyMs: number;
  steps: number;
  /** Wall time per agent invocation, ms. */
  invocation: Spread;
  /** The same divided by the agent's steps, ms. */
  perStep: Spread;
}

export interface ThroughputCell {
  contender: string;
  latencyMs: number;
  steps: number;
  concurrency: number;
  /** Completed agents per second, over the rounds. */
  agentsPerSecond: Spread;
}

export interface JournalFigure {
  contender: string;
  steps: number;
  bytes: number;
  bytesPerStep: number;
}

export interface ReplayFigure {
  contender: string;
  latencyMs: number;
  firstRunMs: Spread;
  /** Over the rounds whose resumed agent finished; absent when none did. */
  replayMs?: Spread;
  /** Median replay ÷ median first run. */
  ratio?: number;
  /** Rounds whose resumed agent had not finished 20 s after the resume. */
  stalledRounds: number;
}

export interface RecoveryFigure {
  contender: string;
  /** SIGKILL → the restarted process is ready, ms. */
  restartMs: Spread;
  /** SIGKILL → the client has the result, ms, over the rounds that finished; absent when none did. */
  killToResultMs?: Spread;
  /** Rounds whose agent had not finished 20 s after the kill. */
  stalledRounds: number;
  /** Per crashed agent (the same in every round, or the run fails). */
  modelCalls: { beforeCrash: number; afterCrash: number };
  toolCalls: { beforeCrash: number; afterCrash: number };
}

export interface RssFigure {
  contender: string;
  peakRssBytes: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  meta: {
    date: string;
    mode: "full" | "quick";
    node: string;
    cpu: string;
    cores: number;
    memoryGiB: number;
    restateServer: string;
    durationSeconds: number;
    contenders: { id: string; title: string; floor?: string }[];
    /** Contenders that could not run here, and why. */
    leftOut: { id: string; reason: string }[];
    postgres?: string;
  };
  latency: LatencyCell[];
  throughput: ThroughputCell[];
  journal: JournalFigure[];
  replay: ReplayFigure[];
  recovery: RecoveryFigure[];
  rss: RssFigure[];
  targets: TargetCheck[];
}
