/**
 * The targets the issue set, checked against a run's figures: met or not met, with the figure
 * that decided it. "Within noise" is a 5 % margin; nothing here is tuned to the targets.
 */
import { peers } from "./contender-list.ts";
import { costTargets } from "./cost-targets.ts";
import type { BenchResults, LatencyCell, TargetCheck } from "./results.ts";

const NOISE = 0.05;

const fmt = (x: number) => x.toFixed(2);

function perStep(results: BenchResults, contender: string, latencyMs: number, steps: number) {
  const cell = results.latency.find(
    (c: LatencyCell) => c.contender === contender && c.latencyMs === latencyMs && c.steps === steps,
  );
  return cell?.perStep.median;
}

/** The worst `contender ÷ baseline` per-step ratio at the longest agent, over the latencies. */
function ratioToBaseline(results: BenchResults, contender: string, baseline: string) {
  const steps = Math.max(...results.latency.map((c) => c.steps));
  const latencies = [...new Set(results.latency.map((c) => c.latencyMs))];
  const ratios = latencies.flatMap((latencyMs) => {
    const ours = perStep(results, contender, latencyMs, steps);
    const base = perStep(results, baseline, latencyMs, steps);
    return ours === undefined || base === undefined ? [] : [{ latencyMs, ratio: ours / base }];
  });
  return { steps, ratios };
}

/**
 * Per step: bare ctx.run plus what the SDK costs on its own (its plain contender, less the model
 * latency, which bare ctx.run already waits for).
 */
export function floorPerStep(
  results: BenchResults,
  contender: string,
  latencyMs: number,
  steps: number,
) {
  const floor = results.meta.contenders.find((c) => c.id === contender)?.floor;
  const bare = perStep(results, "bare", latencyMs, steps);
  const sdk = floor === undefined ? undefined : perStep(results, floor, latencyMs, steps);
  return bare === undefined || sdk === undefined ? undefined : bare + sdk - latencyMs;
}

function perStepTargets(
  results: BenchResults,
  contender: string,
  label: string,
  limit: number,
): TargetCheck[] {
  const { steps, ratios } = ratioToBaseline(results, contender, "bare");
  return ratios.map((r) => {
    const floor = floorPerStep(results, contender, r.latencyMs, steps);
    const ours = perStep(results, contender, r.latencyMs, steps) ?? 0;
    const againstFloor = floor === undefined ? "" : `; ÷ (bare + SDK alone): ${fmt(ours / floor)}×`;
    return {
      target: `${label} ≤ ${limit}× bare ctx.run per step, ${r.latencyMs} ms model latency`,
      measured: `${fmt(r.ratio)}× (${steps}-step agents${againstFloor})`,
      met: r.ratio <= limit,
    };
  });
}

function versusReference(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const latency = results.latency.flatMap((cell) => {
    if (cell.contender !== "ours-generate") return [];
    const ref = perStep(results, "reference", cell.latencyMs, cell.steps);
    return ref === undefined ? [] : [cell.perStep.median / ref];
  });
  if (latency.length > 0) {
    const worst = Math.max(...latency);
    checks.push({
      target: "ours (generateText) ≤ reference on latency, within noise (5 %)",
      measured: `ours ÷ reference per invocation: ${fmt(Math.min(...latency))}–${fmt(worst)} over ${latency.length} cells`,
      met: worst <= 1 + NOISE,
    });
  }
  const rate = results.throughput.flatMap((cell) => {
    if (cell.contender !== "ours-generate") return [];
    const ref = results.throughput.find(
      (c) =>
        c.contender === "reference" &&
        c.latencyMs === cell.latencyMs &&
        c.concurrency === cell.concurrency,
    );
    return ref === undefined ? [] : [cell.agentsPerSecond.median / ref.agentsPerSecond.median];
  });
  if (rate.length > 0) {
    const worst = Math.min(...rate);
    checks.push({
      target: "ours (generateText) ≥ reference on throughput, within noise (5 %)",
      measured: `ours ÷ reference agents/s: ${fmt(worst)}–${fmt(Math.max(...rate))} over ${rate.length} cells`,
      met: worst >= 1 - NOISE,
    });
  }
  return checks;
}

function journalTarget(results: BenchResults): TargetCheck[] {
  const ref = results.journal.find((j) => j.contender === "reference");
  if (ref === undefined) return [];
  return results.journal
    .filter((j) => j.contender === "ours-generate" || j.contender === "ours-stream")
    .map((ours) => {
      const ratio = ours.bytesPerStep / ref.bytesPerStep;
      return {
        target: `journal bytes per step, ${ours.contender} ≤ 0.6× reference`,
        measured: `${Math.round(ours.bytesPerStep)} vs ${Math.round(ref.bytesPerStep)} bytes = ${fmt(ratio)}× (${ours.steps} steps)`,
        met: ratio <= 0.6,
      };
    });
}

/** The issue set the replay target for the Restate contenders; the peers are compared instead. */
function replayTargets(results: BenchResults): TargetCheck[] {
  return results.replay
    .filter((r) => r.contender !== "bare" && !peers.some((p) => p.peer === r.contender))
    .map((r) => ({
      target: `replay ≤ 20 % of the first run, ${r.contender}, ${r.latencyMs} ms model latency`,
      measured:
        r.replayMs === undefined || r.ratio === undefined
          ? `the resumed agent never finished (${r.stalledRounds} rounds)`
          : `${r.replayMs.median.toFixed(0)} ms vs ${r.firstRunMs.median.toFixed(0)} ms = ${(r.ratio * 100).toFixed(0)} %`,
      met: r.ratio !== undefined && r.stalledRounds === 0 && r.ratio <= 0.2,
    }));
}

/**
 * What journal encryption adds per step of the longest agent, against the same agent without it,
 * and per KiB the step journals (the values the codec encrypts and decrypts).
 */
export function encryptionCost(results: BenchResults) {
  const steps = Math.max(...results.latency.map((c) => c.steps));
  const latencies = [...new Set(results.latency.map((c) => c.latencyMs))];
  return results.meta.contenders.flatMap(({ id, encrypts }) => {
    if (encrypts === undefined) return [];
    const bytesOff = results.journal.find((j) => j.contender === encrypts)?.bytesPerStep;
    const bytesOn = results.journal.find((j) => j.contender === id)?.bytesPerStep;
    return latencies.flatMap((latencyMs) => {
      const on = perStep(results, id, latencyMs, steps);
      const off = perStep(results, encrypts, latencyMs, steps);
      if (on === undefined || off === undefined || bytesOff === undefined) return [];
      const added = on - off;
      return [
        {
          id,
          encrypts,
          latencyMs,
          steps,
          off,
          on,
          added,
          bytesOff,
          bytesOn,
          perKiB: added / (bytesOff / 1024),
        },
      ];
    });
  });
}

function encryptionTargets(results: BenchResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const entry = results.codec.find((c) => c.valueBytes >= 1024 && !c.compressed);
  if (entry !== undefined) {
    const ms = entry.microsPerEntry.median / 1000;
    checks.push({
      target: "journal encryption ≤ 0.1 ms per 1 KiB entry (codec encode + decode)",
      measured: `${(ms * 1000).toFixed(1)} µs for ${entry.valueBytes} bytes`,
      met: ms <= 0.1,
    });
  }
  for (const e of results.encryptionCpu) {
    const added = e.cpuMsPerStepOn.median - e.cpuMsPerStepOff.median;
    const perKiB = added / (e.journalBytesPerStepOff / 1024);
    checks.push({
      target: `journal encryption adds ≤ 0.1 ms per KiB journaled, ${e.encrypts} (service CPU per step)`,
      measured: `${e.cpuMsPerStepOff.median.toFixed(3)} → ${e.cpuMsPerStepOn.median.toFixed(3)} ms per step for ${Math.round(e.journalBytesPerStepOff)} B = ${perKiB.toFixed(3)} ms/KiB`,
      met: perKiB <= 0.1,
    });
  }
  return checks;
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  return [
    ...perStepTargets(results, "ours-generate", "ours (generateText)", 1.1),
    ...perStepTargets(results, "ours-stream", "ours (streamText)", 1.1),
    ...versusReference(results),
    ...journalTarget(results),
    ...replayTargets(results),
    ...perStepTargets(results, "agents-durable", "durable Agents run", 1.1),
    ...encryptionTargets(results),
    ...uiStreamTargets(results),
    ...costTargets(results),
  ];
}

/** Time to first chunk ≤ plain + 15 ms at each token pace; ≥ 2,000 chunks/s per stream. */
function uiStreamTargets(results: BenchResults): TargetCheck[] {
  const cells = results.uiStream ?? [];
  const cell = (contender: string, tokenMs: number) =>
    cells.find((c) => c.contender === contender && c.tokenMs === tokenMs);
  const checks: TargetCheck[] = [];
  for (const tokenMs of [...new Set(cells.map((c) => c.tokenMs))]) {
    const plain = cell("plain-ui-stream", tokenMs);
    const ours = cell("ours-ui-stream", tokenMs);
    if (plain === undefined || ours === undefined) continue;
    const extra = ours.ttfcMs.median - plain.ttfcMs.median;
    checks.push({
      target: `UI stream: time to first chunk ≤ plain + 15 ms, ${tokenMs} ms per token`,
      measured: `${ours.ttfcMs.median.toFixed(1)} vs ${plain.ttfcMs.median.toFixed(1)} ms (+${extra.toFixed(1)} ms); appends per step ${ours.appendsPerStep?.median ?? "?"} for ${ours.tokens} tokens`,
      met: extra <= 15,
    });
  }
  const fastest = cells
    .filter((c) => c.contender === "ours-ui-stream" && c.tokenMs === 0)
    .map((c) => c.chunksPerSecond.median);
  if (fastest.length > 0) {
    const rate = Math.max(...fastest);
    checks.push({
      target: "UI stream: ≥ 2,000 chunks/s per stream (ours, 0 ms per token)",
      measured: `${Math.round(rate)} chunks/s`,
      met: rate >= 2000,
    });
  }
  return checks;
}
