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

/** The journal encryption codec on one value: encode + decode, without Restate. */
export interface CodecFigure {
  /** Size of the serialised value. */
  valueBytes: number;
  /** Deflated before encryption (`compressAbove`). */
  compressed: boolean;
  /** Size of the encrypted value, as Restate stores it. */
  storedBytes: number;
  /** Encode + decode of one value, µs, over batches. */
  microsPerEntry: Spread;
}

/** CPU time of the service process per agent step, the same agent without and with encryption. */
export interface EncryptionCpuFigure {
  contender: string;
  /** The plain twin. */
  encrypts: string;
  steps: number;
  cpuMsPerStepOff: Spread;
  cpuMsPerStepOn: Spread;
  journalBytesPerStepOff: number;
  journalBytesPerStepOn: number;
}

/** One restate-server against a local cluster, same agents and load (`cluster-throughput.ts`). */
export interface ClusterFigures {
  nodes: number;
  replication: number;
  partitions: number;
  throughput: {
    contender: string;
    steps: number;
    concurrency: number;
    latencyMs: number;
    /** Completed agents per second on one restate-server. */
    oneNode: Spread;
    /** The same on the cluster, clients spread over its nodes. */
    threeNodes: Spread;
    /** Median cluster ÷ median one node. */
    ratio: number;
  }[];
  /** Each restate-server process after the runs (absent where `/proc` is not). */
  rss: { server: string; rssBytes?: number; peakRssBytes?: number }[];
}

export interface UiStreamCell {
  contender: "plain-ui-stream" | "ours-ui-stream";
  tokens: number;
  tokenMs: number;
  /** From sending the chat request to the first text chunk at the SSE client, ms. */
  ttfcMs: Spread;
  /** UI message chunks per second at the client, from its first chunk to its last. */
  chunksPerSecond: Spread;
  /** Ours: appends to the `ChatStreams` log for the turn (one model step). */
  appendsPerStep?: Spread;
}

/** A finished agent's journal replayed as a new invocation: CPU per step, replay against live. */
export interface ReplayCpuFigure {
  contender: string;
  steps: number;
  cpuMsPerStepLive: Spread;
  cpuMsPerStepReplay: Spread;
  /** Replay ÷ live, medians. */
  ratio: number;
}

/** A long agent: its first and last `window` steps, durable against the SDK alone. */
export interface LongRunFigure {
  contender: string;
  plain: string;
  steps: number;
  window: number;
  firstMsPerStep: Spread;
  lastMsPerStep: Spread;
  /** Last ÷ first window's mean step time (median over runs), ours and the SDK alone. */
  growth: number;
  plainGrowth: number;
  /** Journal bytes of a step (model call and tool), mean over the first and the last window. */
  journalBytesFirst: number;
  journalBytesLast: number;
}

/** A long chat on one session key: per-message time and the state each message touches. */
export interface LongChatFigure {
  contender: "agents-plain-chat" | "agents-durable-chat";
  messages: number;
  window: number;
  firstMsPerMessage: number;
  lastMsPerMessage: number;
  growth: number;
  stateBytesWrittenFirst?: number;
  stateBytesWrittenLast?: number;
  stateBytesReadFirst?: number;
  stateBytesReadLast?: number;
}

/** Agents suspended on an approval: the service's heap before and with all of them waiting. */
export interface SuspendedFigure {
  agents: number;
  idleHeapBytes: number;
  suspendedHeapBytes: number;
  peakRssBytes: number;
  /** Approved after the service was killed and restarted, and finished. */
  completedAfterRestart: number;
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
    contenders: { id: string; title: string; floor?: string; encrypts?: string }[];
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
  codec: CodecFigure[];
  encryptionCpu: EncryptionCpuFigure[];
  /** Absent when no contender of the cluster comparison ran (`--only`). */
  cluster?: ClusterFigures;
  /** Absent in results written before the UI-stream contender existed. */
  uiStream?: UiStreamCell[];
  /** Absent in results written before the figure existed. */
  replayCpu?: ReplayCpuFigure[];
  /** Absent with `--only` and in results written before the long-run figures existed. */
  longRuns?: LongRunFigure[];
  longChat?: LongChatFigure[];
  suspended?: SuspendedFigure;
  targets: TargetCheck[];
}
