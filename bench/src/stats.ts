/** Median with min–max of repeated measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(samples: number[]): Spread {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return {
    median,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    n: samples.length,
  };
}

export const scale = (s: Spread, by: number): Spread => ({
  median: s.median * by,
  min: s.min * by,
  max: s.max * by,
  n: s.n,
});
