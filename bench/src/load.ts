/**
 * The two ways of driving a contender: one agent after another (latency), and a fixed number of
 * agents with a given number in flight (throughput).
 */
import { performance } from "node:perf_hooks";
import type { RunningContender } from "./running-contender.ts";
import type { AgentInput } from "./scripted-step.ts";

/** Wall time of each of `reps` agents run one after another, in ms. */
export async function sequentialLatencies(
  contender: RunningContender,
  input: AgentInput,
  reps: number,
): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    await contender.invoke(input);
    samples.push(performance.now() - started);
  }
  return samples;
}

/**
 * Completed agents per second while `concurrency` are in flight, over `total` agents — or fewer
 * when `budgetMs` runs out first: then no further agent is started (each worker still runs at
 * least one), so a contender too slow for the round's size is measured on what it completed.
 */
export async function throughput(
  contender: Pick<RunningContender, "invoke">,
  input: AgentInput,
  concurrency: number,
  total: number,
  budgetMs: number,
): Promise<number> {
  let next = 0;
  let completed = 0;
  const started = performance.now();
  const worker = async () => {
    let mine = 0;
    while (next < total && (mine === 0 || performance.now() - started < budgetMs)) {
      next++;
      mine++;
      await contender.invoke(input);
      completed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return completed / ((performance.now() - started) / 1000);
}
