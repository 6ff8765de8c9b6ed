/**
 * One bench run: one restate-server and every contender's process, started together and then
 * driven in turns — each repetition runs every contender once, one after another — so drift of a
 * shared machine spreads over all of them instead of biasing whichever ran last. Only one
 * contender is busy at any time, so they do not compete for the cores. Then journal sizes and peak
 * RSS, and the replay figure in fresh processes.
 */
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { RestateServer } from "@restate-ai/test-harness";
import type { BenchPlan } from "./bench-plan.ts";
import { clusterThroughput } from "./cluster-throughput.ts";
import { codecCost } from "./codec-cost.ts";
import { type Contender, contenders, isDurable } from "./contender-list.ts";
import { encryptionCpuCost } from "./encryption-cost.ts";
import { journalBytes } from "./journal-size.ts";
import { sequentialLatencies, throughput } from "./load.ts";
import { RETRY_INTERVAL, replayTiming } from "./replay.ts";
import type { BenchResults } from "./results.ts";
import { RunningContender } from "./running-contender.ts";
import { scale, spread } from "./stats.ts";
import { checkTargets } from "./targets.ts";
import { measureUiStream } from "./ui-stream/ui-stream-bench.ts";

type Figures = Omit<BenchResults, "meta" | "targets">;

const serverEnv = { RESTATE_DEFAULT_RETRY_POLICY__INITIAL_INTERVAL: RETRY_INTERVAL };

/** The `--only` id of the UI-stream contenders (plain and ours). */
export const UI_STREAM = "ui-stream";

export async function runBench(
  plan: BenchPlan,
  log: (line: string) => void,
  only?: Set<string>,
  replay = true,
): Promise<BenchResults> {
  const started = performance.now();
  const figures: Figures = {
    latency: [],
    throughput: [],
    journal: [],
    replay: [],
    rss: [],
    codec: [],
    encryptionCpu: [],
  };
  const chosen = contenders.filter((c) => only === undefined || only.has(c.id));
  const restate = await RestateServer.start({ env: serverEnv });
  try {
    const running: RunningContender[] = [];
    try {
      for (const contender of chosen)
        running.push(await RunningContender.start(contender, restate));
      await measureLive(running, restate, plan, figures, log);
      const cluster = await clusterThroughput(running, plan, serverEnv, log);
      if (cluster !== undefined) figures.cluster = cluster;
    } finally {
      await Promise.all(running.map((r) => r.stop()));
    }
    figures.encryptionCpu = await encryptionCpuCost(restate, plan.encryptionRounds, only);
    for (const e of figures.encryptionCpu) {
      log(
        `journal encryption, CPU per step: ${e.encrypts} ${e.cpuMsPerStepOff.median.toFixed(3)} ms, ${e.contender} ${e.cpuMsPerStepOn.median.toFixed(3)} ms`,
      );
    }
    if (only === undefined || only.has(UI_STREAM)) {
      figures.uiStream = await measureUiStream(restate, plan, log);
    }
    for (const contender of replay ? chosen.filter(isDurable) : []) {
      await measureReplay(contender, restate, plan, figures, log);
    }
  } finally {
    await restate.stop();
  }
  figures.codec = await codecCost(plan.codecBatches);
  log(
    `journal encryption codec, 1 KiB entry: ${figures.codec[0]?.microsPerEntry.median.toFixed(1)} µs`,
  );
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      mode: plan.mode,
      node: process.version,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      restateServer: "1.7.12",
      durationSeconds: Math.round((performance.now() - started) / 1000),
      contenders: chosen.map(({ id, title, floor, encrypts }) => ({
        id,
        title,
        ...(floor ? { floor } : {}),
        ...(encrypts ? { encrypts } : {}),
      })),
    },
    ...figures,
    targets: [],
  };
  results.targets = checkTargets(results);
  return results;
}

async function measureLive(
  running: RunningContender[],
  restate: RestateServer,
  plan: BenchPlan,
  figures: Figures,
  log: (line: string) => void,
): Promise<void> {
  for (const contender of running) {
    await sequentialLatencies(contender, { steps: 5, latencyMs: 0 }, plan.warmup);
  }
  for (const latencyMs of plan.latencies) {
    for (const steps of plan.steps) {
      const input = { steps, latencyMs };
      const samples = new Map(running.map((r) => [r, [] as number[]]));
      for (let rep = 0; rep < plan.reps(steps, latencyMs); rep++) {
        for (const contender of running) {
          samples.get(contender)?.push(...(await sequentialLatencies(contender, input, 1)));
        }
      }
      for (const [contender, times] of samples) {
        const invocation = spread(times);
        const perStep = scale(invocation, 1 / steps);
        figures.latency.push({ contender: contender.contender.id, ...input, invocation, perStep });
      }
      log(`latency, ${latencyMs} ms model latency, ${steps} steps: ${summary(figures, input)}`);
    }
    for (const concurrency of plan.throughput.concurrency) {
      const input = { steps: plan.throughput.steps, latencyMs };
      const rounds = new Map(running.map((r) => [r, [] as number[]]));
      for (let round = 0; round < plan.throughput.rounds; round++) {
        for (const contender of running) {
          const total = plan.throughput.total(concurrency);
          rounds.get(contender)?.push(await throughput(contender, input, concurrency, total));
        }
      }
      for (const [contender, rates] of rounds) {
        const agentsPerSecond = spread(rates);
        const id = contender.contender.id;
        figures.throughput.push({ contender: id, ...input, concurrency, agentsPerSecond });
      }
      log(`throughput, ${latencyMs} ms model latency, ${concurrency} in flight: done`);
    }
  }
  for (const contender of running.filter((r) => isDurable(r.contender))) {
    const bytes = await journalBytes(restate, contender, plan.journalSteps);
    const steps = plan.journalSteps;
    figures.journal.push({
      contender: contender.contender.id,
      steps,
      bytes,
      bytesPerStep: bytes / steps,
    });
  }
  for (const contender of running) {
    const peakRssBytes = await contender.process.peakRss();
    figures.rss.push({ contender: contender.contender.id, peakRssBytes });
  }
}

function summary(figures: Figures, input: { steps: number; latencyMs: number }): string {
  return figures.latency
    .filter((c) => c.steps === input.steps && c.latencyMs === input.latencyMs)
    .map((c) => `${c.contender} ${c.invocation.median.toFixed(1)} ms`)
    .join(", ");
}

async function measureReplay(
  contender: Contender,
  restate: RestateServer,
  plan: BenchPlan,
  figures: Figures,
  log: (line: string) => void,
): Promise<void> {
  for (const latencyMs of plan.replay.latencies) {
    const first: number[] = [];
    const replay: number[] = [];
    for (let r = 0; r < plan.replay.rounds; r++) {
      const timing = await replayTiming(contender, restate, latencyMs);
      first.push(...timing.firstRunMs);
      replay.push(timing.replayMs);
    }
    const firstRunMs = spread(first);
    const replayMs = spread(replay);
    const ratio = replayMs.median / firstRunMs.median;
    figures.replay.push({ contender: contender.id, latencyMs, firstRunMs, replayMs, ratio });
    log(
      `replay, ${contender.id}, ${latencyMs} ms model latency: ${replayMs.median} ms vs first run ${firstRunMs.median} ms`,
    );
  }
}
