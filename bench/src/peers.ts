/**
 * Ours against what a user would pick instead (the `peers` of contender-list.ts): every figure
 * the two share, side by side, with ours ÷ peer. Lower is better for times and bytes, higher for
 * throughput; the column says which.
 */
import { peers } from "./contender-list.ts";
import type { BenchResults } from "./results.ts";

export interface PeerRow {
  figure: string;
  ours: number;
  peer: number;
  /** "lower" when less is better (times, bytes), "higher" for throughput. */
  better: "lower" | "higher";
}

export interface PeerComparison {
  ours: string;
  peer: string;
  rows: PeerRow[];
}

export function comparePeers(results: BenchResults): PeerComparison[] {
  const ran = new Set(results.meta.contenders.map((c) => c.id));
  return peers
    .filter(({ ours, peer }) => ran.has(ours) && ran.has(peer))
    .map(({ ours, peer }) => ({ ours, peer, rows: rows(results, ours, peer) }));
}

function rows(results: BenchResults, ours: string, peer: string): PeerRow[] {
  const out: PeerRow[] = [];
  const both = <T extends { contender: string }>(cells: T[], same: (a: T, b: T) => boolean) =>
    cells.flatMap((mine) => {
      if (mine.contender !== ours) return [];
      const theirs = cells.find((c) => c.contender === peer && same(mine, c));
      return theirs === undefined ? [] : [[mine, theirs] as const];
    });
  for (const [a, b] of both(
    results.latency,
    (x, y) => x.latencyMs === y.latencyMs && x.steps === y.steps,
  )) {
    out.push({
      figure: `latency per step ms, ${a.steps}-step agent, ${a.latencyMs} ms model`,
      ours: a.perStep.median,
      peer: b.perStep.median,
      better: "lower",
    });
  }
  for (const [a, b] of both(
    results.throughput,
    (x, y) => x.latencyMs === y.latencyMs && x.concurrency === y.concurrency,
  )) {
    out.push({
      figure: `throughput agents/s, ${a.latencyMs} ms model, ${a.concurrency} in flight`,
      ours: a.agentsPerSecond.median,
      peer: b.agentsPerSecond.median,
      better: "higher",
    });
  }
  for (const [a, b] of both(results.journal, () => true)) {
    out.push({
      figure: "bytes stored per step",
      ours: a.bytesPerStep,
      peer: b.bytesPerStep,
      better: "lower",
    });
  }
  // A stalled round has no time; the report says how many stalled.
  for (const [a, b] of both(results.replay, (x, y) => x.latencyMs === y.latencyMs)) {
    if (a.replayMs === undefined || b.replayMs === undefined) continue;
    out.push({
      figure: `resumed attempt after a crash ms, ${a.latencyMs} ms model`,
      ours: a.replayMs.median,
      peer: b.replayMs.median,
      better: "lower",
    });
  }
  for (const [a, b] of both(results.recovery, () => true)) {
    if (a.killToResultMs === undefined || b.killToResultMs === undefined) continue;
    out.push({
      figure: "kill → result ms (default settings; finished rounds)",
      ours: a.killToResultMs.median,
      peer: b.killToResultMs.median,
      better: "lower",
    });
  }
  return out;
}

/** ours ÷ peer over the rows whose figure starts with `prefix`: "min–max" (or one value). */
export function ratioRange(comparison: PeerComparison, prefix: string): string | undefined {
  const ratios = comparison.rows
    .filter((r) => r.figure.startsWith(prefix))
    .map((r) => r.ours / r.peer);
  if (ratios.length === 0) return undefined;
  const [min, max] = [Math.min(...ratios), Math.max(...ratios)];
  return min === max ? `${min.toFixed(2)}×` : `${min.toFixed(2)}–${max.toFixed(2)}×`;
}
