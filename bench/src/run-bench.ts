/**
 * One bench run: one restate-server, a private Postgres when the DBOS contenders run, and every
 * contender's process, started together and then driven in turns — each repetition runs every
 * contender once, one after another — so drift of a shared machine spreads over all of them
 * instead of biasing whichever ran last. Only one contender is busy at any time, so they do not
 * compete for the cores. Then stored bytes and peak RSS, the replay figure in fresh processes,
 * and the kill → result figure against a restate-server with default settings.
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
import { measureLongRuns } from "./long-runs.ts";
import { recoveryRun } from "./recovery.ts";
import { RETRY_INTERVAL, replayTiming } from "./replay.ts";
import { replayCpuCost } from "./replay-cpu.ts";
import type { BenchResults } from "./results.ts";
import { RunningContender, type Systems } from "./running-contender.ts";
import { scale, spread } from "./stats.ts";
import { openStores } from "./stores.ts";
import { measureSuspended } from "./suspended-agents.ts";
import { checkTargets } from "./targets.ts";
import { measureUiStream } from "./ui-stream/ui-stream-bench.ts";

type Figures = Omit<BenchResults, "meta" | "targets">;

const serverEnv = { RESTATE_DEFAULT_RETRY_POLICY__INITIAL_INTERVAL: RETRY_INTERVAL };

/** The `--only` id of the UI-stream contenders (plain and ours). */
export const UI_STREAM = "ui-stream";
/** The `--only` id of the long agents, the long chat and the suspended agents. */
export const LONG_RUNS = "long-runs";

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
    recovery: [],
    rss: [],
    codec: [],
    encryptionCpu: [],
  };
  const requested = contenders.filter((c) => only === undefined || only.has(c.id));
  const stores = await openStores(requested, only !== undefined);
  const { chosen, leftOut } = stores;
  for (const { id, reason } of leftOut) log(`LEFT OUT ${id}: ${reason}`);
  try {
    const restate = await RestateServer.start({ env: serverEnv });
    const systems: Systems = { restate, ...stores.systems };
    try {
      const running: RunningContender[] = [];
      try {
        const started = await Promise.allSettled(
          chosen.map((contender) => RunningContender.start(contender, systems)),
        );
        for (const s of started) if (s.status === "fulfilled") running.push(s.value);
        const failed = started.find((s) => s.status === "rejected");
        if (failed !== undefined) throw failed.reason;
        await measureLive(running, plan, figures, log);
        figures.replayCpu = await replayCpuCost(running, restate, plan.replayCpu);
        for (const r of figures.replayCpu) {
          log(
            `replay CPU per step, ${r.contender}: ${r.cpuMsPerStepReplay.median.toFixed(3)} ms (live ${r.cpuMsPerStepLive.median.toFixed(3)} ms)`,
          );
        }
        const cluster = await clusterThroughput(running, plan, serverEnv, log);
        if (cluster !== undefined) figures.cluster = cluster;
      } finally {
        await Promise.all(running.map((r) => r.stop()));
      }
      figures.encryptionCpu = await encryptionCpuCost(systems, plan.encryptionRounds, only);
      for (const e of figures.encryptionCpu) {
        log(
          `journal encryption, CPU per step: ${e.encrypts} ${e.cpuMsPerStepOff.median.toFixed(3)} ms, ${e.contender} ${e.cpuMsPerStepOn.median.toFixed(3)} ms`,
        );
      }
      if (only === undefined || only.has(UI_STREAM)) {
        figures.uiStream = await measureUiStream(restate, plan, log);
      }
      if (only === undefined || only.has(LONG_RUNS)) {
        const long = await measureLongRuns(restate, plan, log);
        figures.longRuns = long.runs;
        figures.longChat = long.chat;
        figures.suspended = await measureSuspended(plan.suspendedAgents, log);
      }
      for (const contender of replay ? chosen.filter(isDurable) : []) {
        await measureReplay(contender, systems, plan, figures, log);
      }
    } finally {
      await restate.stop();
    }
    await measureRecovery(chosen.filter(isDurable), stores.systems, plan, figures, log);
  } finally {
    await stores.close();
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
      leftOut,
      ...(stores.postgresVersion ? { postgres: stores.postgresVersion } : {}),
    },
    ...figures,
    targets: [],
  };
  results.targets = checkTargets(results);
  return results;
}

async function measureLive(
  running: RunningContender[],
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
          const budget = plan.throughput.budgetMs;
          rounds
            .get(contender)
            ?.push(await throughput(contender, input, concurrency, total, budget));
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
    const bytes = await journalBytes(contender, plan.journalSteps);
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
  systems: Systems,
  plan: BenchPlan,
  figures: Figures,
  log: (line: string) => void,
): Promise<void> {
  for (const latencyMs of plan.replay.latencies) {
    const first: number[] = [];
    const replay: number[] = [];
    let stalledRounds = 0;
    for (let r = 0; r < plan.replay.rounds; r++) {
      const timing = await replayTiming(contender, systems, latencyMs, plan.replay);
      first.push(...timing.firstRunMs);
      if (timing.replayMs === undefined) stalledRounds++;
      else replay.push(timing.replayMs);
    }
    const firstRunMs = spread(first);
    const replayMs = replay.length > 0 ? spread(replay) : undefined;
    const ratio = replayMs === undefined ? undefined : replayMs.median / firstRunMs.median;
    figures.replay.push({
      contender: contender.id,
      latencyMs,
      firstRunMs,
      ...(replayMs ? { replayMs } : {}),
      ...(ratio === undefined ? {} : { ratio }),
      stalledRounds,
    });
    const resumed = replayMs === undefined ? "never finished" : `${replayMs.median} ms`;
    const stalled = stalledRounds > 0 ? ` (${stalledRounds} round(s) stalled)` : "";
    log(
      `replay, ${contender.id}, ${latencyMs} ms model latency: ${resumed} vs first run ${firstRunMs.median} ms${stalled}`,
    );
  }
}

/** Kill → result, each system recovering with its default settings (see recovery.ts). */
async function measureRecovery(
  durable: Contender[],
  stores: Omit<Systems, "restate">,
  plan: BenchPlan,
  figures: Figures,
  log: (line: string) => void,
): Promise<void> {
  if (durable.length === 0) return;
  const restate = await RestateServer.start();
  try {
    const systems: Systems = { restate, ...stores };
    for (const contender of durable) {
      const runs = [];
      for (let r = 0; r < plan.recoveryRounds; r++)
        runs.push(await recoveryRun(contender, systems));
      const finished = runs.flatMap((run) =>
        run.killToResultMs === undefined ? [] : [run.killToResultMs],
      );
      const counted = runs.find((run) => run.killToResultMs !== undefined) ?? runs[0];
      if (counted === undefined) continue;
      const killToResultMs = finished.length > 0 ? spread(finished) : undefined;
      const stalledRounds = runs.length - finished.length;
      figures.recovery.push({
        contender: contender.id,
        restartMs: spread(runs.map((run) => run.restartMs)),
        ...(killToResultMs ? { killToResultMs } : {}),
        stalledRounds,
        modelCalls: counted.modelCalls,
        toolCalls: counted.toolCalls,
      });
      const result = killToResultMs ? `${killToResultMs.median.toFixed(0)} ms` : "never finished";
      const stalled = stalledRounds > 0 ? ` (${stalledRounds} round(s) stalled)` : "";
      log(`recovery, ${contender.id}: kill → result ${result}${stalled}`);
    }
  } finally {
    await restate.stop();
  }
}
