/**
 * The cost targets of the durable layer, checked against one run's figures, for the AI SDK's
 * generate and stream paths and the Agents SDK's runner: what a step adds over bare ctx.run plus
 * the SDK alone, throughput against the composed limit of the two, journal bytes and replay
 * against bare, cost growth over long agents and a long chat, and memory. Each check says the
 * figure that decided it; where the smallest possible adapter (`minimal-*`) misses a target too,
 * the check says so — that part of the cost is the Restate SDK's inside the agent SDK's loop.
 */

import type { BenchResults, TargetCheck } from "./results.ts";
import { floorPerStep } from "./targets.ts";

const PATHS = [
  { id: "ours-generate", plain: "plain-generate", minimal: "minimal-generate" },
  { id: "ours-stream", plain: "plain-stream", minimal: "minimal-stream" },
  { id: "agents-durable", plain: "agents-plain", minimal: "minimal-agents" },
] as const;

/** Items per state entry of a `RestateSession` history (restate-session.ts). */
const CHUNK_ITEMS = 64;
const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);

function perStep(results: BenchResults, contender: string, latencyMs: number, steps: number) {
  return results.latency.find(
    (c) => c.contender === contender && c.latencyMs === latencyMs && c.steps === steps,
  )?.perStep.median;
}

function rate(results: BenchResults, contender: string, latencyMs: number, concurrency: number) {
  return results.throughput.find(
    (c) => c.contender === contender && c.latencyMs === latencyMs && c.concurrency === concurrency,
  )?.agentsPerSecond.median;
}

/** Added per step at 0 ms model latency: ≤ 0.3 ms over bare ctx.run plus the SDK alone. */
function addedPerStep(results: BenchResults): TargetCheck[] {
  const steps = Math.max(...results.latency.map((c) => c.steps));
  return PATHS.flatMap(({ id, minimal }) => {
    const ours = perStep(results, id, 0, steps);
    const floor = floorPerStep(results, id, 0, steps);
    if (ours === undefined || floor === undefined) return [];
    const least = perStep(results, minimal, 0, steps);
    const minimalAdded = least === undefined ? "" : `; minimal adapter: ${f3(least - floor)} ms`;
    return [
      {
        target: `${id}: added per step ≤ 0.3 ms over bare ctx.run + SDK alone, 0 ms model latency`,
        measured: `${f3(ours - floor)} ms (${steps}-step agents${minimalAdded})`,
        met: ours - floor <= 0.3,
      },
    ];
  });
}

/** Throughput at 16 and 64 in flight ≥ 0.95× the composed limit 1 / (1/bare + 1/plain). */
function composedThroughput(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const { id, plain, minimal } of PATHS) {
    for (const concurrency of [16, 64]) {
      const ratios = [...new Set(results.throughput.map((c) => c.latencyMs))].flatMap((ms) => {
        const [ours, bare, sdk] = [id, "bare", plain].map((c) => rate(results, c, ms, concurrency));
        if (ours === undefined || bare === undefined || sdk === undefined) return [];
        const limit = 1 / (1 / bare + 1 / sdk);
        const least = rate(results, minimal, ms, concurrency);
        return [
          { ms, ratio: ours / limit, minimal: least === undefined ? undefined : least / limit },
        ];
      });
      if (ratios.length === 0) continue;
      const worst = ratios.reduce((a, b) => (b.ratio < a.ratio ? b : a));
      checks.push({
        target: `${id}: throughput at ${concurrency} in flight ≥ 0.95× the composed limit of bare and ${plain}`,
        measured: `${ratios.map((r) => `${f2(r.ratio)}× at ${r.ms} ms`).join(", ")}${worst.minimal === undefined ? "" : `; minimal adapter ${f2(worst.minimal)}× at ${worst.ms} ms`}`,
        met: worst.ratio >= 0.95,
      });
    }
  }
  return checks;
}

/** Journal bytes per step ≤ 2× bare; replay ≤ bare's ratio + 5 points at 0 ms. */
function journalAndReplay(results: BenchResults): TargetCheck[] {
  const bare = results.journal.find((j) => j.contender === "bare")?.bytesPerStep;
  const bareReplay = results.replay.find((r) => r.contender === "bare" && r.latencyMs === 0);
  return PATHS.flatMap(({ id, minimal }) => {
    const checks: TargetCheck[] = [];
    const journal = results.journal.find((j) => j.contender === id)?.bytesPerStep;
    if (journal !== undefined && bare !== undefined) {
      checks.push({
        target: `${id}: journal bytes per step ≤ 2× bare`,
        measured: `${Math.round(journal)} B vs bare ${Math.round(bare)} B (${f2(journal / bare)}×)`,
        met: journal <= 2 * bare,
      });
    }
    const replay = results.replay.find((r) => r.contender === id && r.latencyMs === 0);
    if (replay?.ratio !== undefined && bareReplay?.ratio !== undefined) {
      checks.push({
        target: `${id}: replay of the journaled steps ≤ bare's share + 5 points, 0 ms`,
        measured: `${(replay.ratio * 100).toFixed(0)} % of a first run vs bare ${(bareReplay.ratio * 100).toFixed(0)} %${replayCpu(results, id, minimal)}`,
        met: replay.ratio <= bareReplay.ratio + 0.05,
      });
    }
    return checks;
  });
}

/** Replay CPU per step of ours, the smallest adapter and bare ctx.run, where measured. */
function replayCpu(results: BenchResults, id: string, minimal: string): string {
  const cpu = (c: string) =>
    results.replayCpu?.find((r) => r.contender === c)?.cpuMsPerStepReplay.median;
  const [ours, least, bare] = [cpu(id), cpu(minimal), cpu("bare")];
  if (ours === undefined || least === undefined || bare === undefined) return "";
  return `; replay CPU per step ${f3(ours)} ms, minimal adapter ${f3(least)} ms, bare ${f3(bare)} ms`;
}

/** Long agents and the long chat: growth ≤ 1.2× the SDK's own; journal and state bytes flat. */
function growth(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = (results.longRuns ?? []).map((run) => {
    const beyond = run.growth / run.plainGrowth;
    const bytes = run.journalBytesLast / run.journalBytesFirst;
    return {
      target: `${run.contender}, ${run.steps} steps: last ${run.window} steps ÷ first ≤ 1.2× the SDK's own growth, journal bytes per step flat`,
      measured: `${f2(run.growth)} vs ${run.plain} ${f2(run.plainGrowth)} (${f2(beyond)}×); journal ${Math.round(run.journalBytesFirst)} → ${Math.round(run.journalBytesLast)} B/step`,
      met: beyond <= 1.2 && bytes <= 1.1,
    };
  });
  const chat = results.longChat ?? [];
  const plain = chat.find((c) => c.contender === "agents-plain-chat");
  const durable = chat.find((c) => c.contender === "agents-durable-chat");
  if (plain !== undefined && durable !== undefined) {
    const beyond = durable.growth / plain.growth;
    const written = durable.stateBytesWrittenLast ?? 0;
    // a message adds 2 items; by the last window the history holds about 2 × messages of them
    const perItem = (durable.stateBytesReadLast ?? 0) / (2 * durable.messages);
    const chunk = CHUNK_ITEMS * perItem + 200;
    checks.push({
      target: `RestateSession chat of ${durable.messages} messages: per-message growth ≤ 1.2× the SDK's own; state written per message ≤ one chunk of ${CHUNK_ITEMS} items and the index, however long the chat`,
      measured: `last ÷ first ${durable.window} messages ${f2(durable.growth)} vs MemorySession ${f2(plain.growth)} (${f2(beyond)}×); state written ${Math.round(durable.stateBytesWrittenFirst ?? 0)} → ${Math.round(written)} B per message (one chunk ≈ ${Math.round(chunk)} B; the history read ${Math.round(durable.stateBytesReadLast ?? 0)} B)`,
      met: beyond <= 1.2 && written <= chunk,
    });
  }
  return checks;
}

/** Peak RSS ≤ 1.1× the plain SDK's; suspended agents hold no memory in the service. */
function memory(results: BenchResults): TargetCheck[] {
  const peak = (id: string) => results.rss.find((r) => r.contender === id)?.peakRssBytes;
  const checks: TargetCheck[] = PATHS.flatMap(({ id, plain }) => {
    const [ours, sdk] = [peak(id), peak(plain)];
    if (ours === undefined || sdk === undefined) return [];
    return [
      {
        target: `${id}: peak RSS (64 agents in flight at most) ≤ 1.1× ${plain}'s`,
        measured: `${(ours / 2 ** 20).toFixed(0)} vs ${(sdk / 2 ** 20).toFixed(0)} MiB (${f2(ours / sdk)}×)`,
        met: ours <= 1.1 * sdk,
      },
    ];
  });
  const s = results.suspended;
  if (s !== undefined) {
    const grown = s.suspendedHeapBytes - s.idleHeapBytes;
    checks.push({
      target: `${s.agents} agents suspended on an approval hold no service memory (heap after a full GC ≤ idle + 2 MiB), and complete after a restart`,
      measured: `heap ${(s.idleHeapBytes / 2 ** 20).toFixed(1)} → ${(s.suspendedHeapBytes / 2 ** 20).toFixed(1)} MiB; ${s.completedAfterRestart}/${s.agents} completed after the restart`,
      met: grown <= 2 * 2 ** 20 && s.completedAfterRestart === s.agents,
    });
  }
  return checks;
}

export function costTargets(results: BenchResults): TargetCheck[] {
  return [
    ...addedPerStep(results),
    ...composedThroughput(results),
    ...journalAndReplay(results),
    ...growth(results),
    ...memory(results),
  ];
}
