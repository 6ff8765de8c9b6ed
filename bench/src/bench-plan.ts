/**
 * How much the bench measures: the full plan (`npm run bench`, a few minutes) or the quick one
 * (`-- --quick`, a smoke run that exercises every figure with few repetitions).
 */
export interface BenchPlan {
  mode: "full" | "quick";
  /** Fixed model latencies, ms. */
  latencies: number[];
  /** Agent lengths, in steps (one model call and one tool call each). */
  steps: number[];
  /** Agents per latency cell, run one after another. */
  reps(steps: number, latencyMs: number): number;
  /** Agents run before measuring, per contender. */
  warmup: number;
  throughput: {
    steps: number;
    concurrency: number[];
    /** Agents per round. */
    total(concurrency: number): number;
    /** A round starts no further agent after this long (binds only for the slowest contenders). */
    budgetMs: number;
    rounds: number;
  };
  /** Warm-up runs of the restarted process, of which the last `timed` are the first-run figure. */
  replay: { latencies: number[]; rounds: number; warmups: number; timed: number };
  /** Crashed agents per contender for the kill → result figure (0 ms model latency). */
  recoveryRounds: number;
  journalSteps: number;
  /** Timed batches of the journal encryption codec, per value size. */
  codecBatches: number;
  /** Rounds of the CPU-time comparison of encrypted contenders and their plain twins. */
  encryptionRounds: number;
  /** One restate-server against a local 3-node cluster: same agents, same load, in turns. */
  cluster: {
    contenders: string[];
    steps: number;
    concurrency: number;
    latencies: number[];
    /** Agents per round. */
    total: number;
    rounds: number;
  };
  /** The UI-stream contender: token loads, streams per load (after the warm-up ones). */
  uiStream: { loads: { tokens: number; tokenMs: number }[]; reps: number; warmup: number };
  /** Long agents (cost growth): their lengths, the steps compared at each end, runs per length. */
  longRuns: { steps: number[]; window: number; reps: number };
  /** One long chat on a session key, the messages compared at each end. */
  longChat: { messages: number; window: number };
  /** Replays of a finished journal per round (`replay-cpu.ts`), and rounds. */
  replayCpu: { rounds: number; agents: number };
  /** Agents left suspended on an approval for the memory figure. */
  suspendedAgents: number;
}

export const fullPlan: BenchPlan = {
  mode: "full",
  latencies: [0, 20],
  steps: [1, 5, 20],
  reps: (steps, latencyMs) => {
    const base = steps === 20 ? 30 : steps === 5 ? 40 : 60;
    return latencyMs > 0 ? Math.ceil(base / 2) : base;
  },
  warmup: 10,
  throughput: {
    steps: 5,
    concurrency: [1, 16, 64],
    total: (concurrency) => Math.max(24, concurrency * 4),
    budgetMs: 10_000,
    rounds: 3,
  },
  replay: { latencies: [0, 20], rounds: 3, warmups: 4, timed: 3 },
  recoveryRounds: 5,
  journalSteps: 20,
  codecBatches: 15,
  encryptionRounds: 12,
  cluster: {
    contenders: ["ours-generate", "agents-durable"],
    steps: 5,
    concurrency: 64,
    latencies: [0, 20],
    total: 256,
    rounds: 3,
  },
  uiStream: {
    loads: [
      { tokens: 2000, tokenMs: 0 },
      { tokens: 50, tokenMs: 20 },
    ],
    reps: 15,
    warmup: 3,
  },
  longRuns: { steps: [200, 1000], window: 20, reps: 2 },
  longChat: { messages: 1000, window: 20 },
  replayCpu: { rounds: 5, agents: 10 },
  suspendedAgents: 1000,
};

export const quickPlan: BenchPlan = {
  mode: "quick",
  latencies: [0],
  steps: [1, 5, 20],
  reps: () => 3,
  warmup: 2,
  // 1-step agents: the slowest contender's first wave of 64 5-step agents alone took half a minute.
  throughput: {
    steps: 1,
    concurrency: [1, 16, 64],
    total: (c) => Math.max(8, c),
    budgetMs: 2_000,
    rounds: 1,
  },
  replay: { latencies: [0], rounds: 1, warmups: 2, timed: 1 },
  recoveryRounds: 1,
  journalSteps: 20,
  codecBatches: 3,
  encryptionRounds: 2,
  cluster: {
    contenders: ["ours-generate"],
    steps: 5,
    concurrency: 64,
    latencies: [0],
    total: 64,
    rounds: 1,
  },
  uiStream: {
    loads: [
      { tokens: 200, tokenMs: 0 },
      { tokens: 10, tokenMs: 20 },
    ],
    reps: 2,
    warmup: 1,
  },
  longRuns: { steps: [50], window: 10, reps: 1 },
  longChat: { messages: 40, window: 10 },
  replayCpu: { rounds: 1, agents: 3 },
  suspendedAgents: 50,
};
