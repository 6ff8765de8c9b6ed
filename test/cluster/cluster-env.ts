/**
 * What the cluster suites share: the reliability suite's agents (both SDKs, generate and stream)
 * on a local 3-node cluster with replication 2, placing agents on the partitions one node leads,
 * the pause in an agent's progress after a kill, and the cluster figures of
 * `npm run test:reliability`. The accounting (which model answer was journaled, which effect ran)
 * is the reliability suite's own.
 */
import { randomUUID } from "node:crypto";
import {
  type AgentSuite,
  type RestateCluster,
  startClusterAgentSuite,
} from "@restate-ai/test-harness";
import {
  type Figures,
  type Mode,
  mismatchCollector,
  parseStepsPrompt,
  quickRetries,
  reliabilityAgents,
  reportFigures,
  type Sdk,
  target,
  variants,
} from "../reliability/reliability-env.ts";

export interface ClusterSuite extends AgentSuite<RestateCluster> {
  /** Lines of the service's output that report a journal mismatch, since the start. */
  mismatchReports: string[];
}

/**
 * The reliability agents, the probe and the fake OpenAI API around a 3-node cluster; `serve:
 * "fetch"` serves the agents from a fetch handler (request-response mode) instead.
 */
export async function startClusterSuite(
  options: { serve?: "node" | "fetch" } = {},
): Promise<ClusterSuite> {
  const mismatchReports: string[] = [];
  const suite = await startClusterAgentSuite(reliabilityAgents, {
    // Suspends idle agents quickly (the approval test waits for it), yet leaves a model call on
    // a starved shared machine time to answer before its attempt is asked to suspend.
    // Generous waits: the machine may be shared, and a slow cluster must fail only if stuck.
    cluster: { inactivityTimeout: "4s", env: quickRetries, readyTimeoutMs: 90_000 },
    onServiceOutput: mismatchCollector(mismatchReports),
    ...options,
  });
  return Object.assign(suite, { mismatchReports });
}

/** The live node, other than `except`, that leads the most partitions (lowest id among equals). */
export async function busiestLeader(
  cluster: RestateCluster,
  except: number[] = [],
): Promise<number> {
  const counts = new Map<number, number>();
  for (const node of (await cluster.leaders()).values()) {
    if (!except.includes(node)) counts.set(node, (counts.get(node) ?? 0) + 1);
  }
  const [busiest] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  if (busiest === undefined) throw new Error(`no partition has a leader:\n${cluster.output()}`);
  return busiest[0];
}

export interface PlacedRun {
  key: string;
  id: string;
  sdk: Sdk;
  mode: Mode;
  partition: number;
  /** Whether the victim {@link placeRuns} chose led the run's partition when it was placed. */
  onVictim: boolean;
}

/**
 * Sends agents of every variant through node `via` until `perVariant` of each run on partitions
 * led by one node, the victim: `prefer` if it gets there, else another node (never `via`, nor
 * one in `except`). A service invocation lands on a random partition, so others are sent on the
 * way: they run (and are checked) too, with leaders that survive. Leadership may still move after
 * a node rejoined, so the leaders are read afresh at every send; after `ready(newRuns)` (e.g.
 * until they are suspended) they are read again and the placement topped up if needed.
 */
export async function placeRuns(
  suite: ClusterSuite,
  options: {
    via: number;
    prefer?: number;
    except?: number[];
    perVariant: number;
    prefix: string;
    input: (key: string) => unknown;
    ready?: (runs: PlacedRun[]) => Promise<void>;
  },
): Promise<{ victim: number; runs: PlacedRun[] }> {
  const cluster = suite.restate;
  const node = cluster.node(options.via);
  const excluded = [options.via, ...(options.except ?? [])];
  const runs: PlacedRun[] = [];
  let unready: PlacedRun[] = [];
  const limit = 40 * variants.length * options.perVariant;
  for (let sent = 0; sent <= limit; sent++) {
    const leaders = await cluster.leaders();
    const candidates = cluster
      .live()
      .map((n) => n.id)
      .filter((id) => !excluded.includes(id))
      .map((id) => ({ id, lacking: lackingVariants(runs, leaders, id, options.perVariant) }))
      .sort(
        (a, b) =>
          a.lacking.length - b.lacking.length ||
          Number(b.id === options.prefer) - Number(a.id === options.prefer),
      );
    const best = candidates[0];
    if (best === undefined) throw new Error(`no node to kill other than ${excluded.join(", ")}`);
    if (best.lacking.length === 0 && unready.length > 0) {
      await options.ready?.(unready);
      unready = [];
      continue;
    }
    if (best.lacking.length === 0) {
      for (const run of runs) run.onVictim = leaders.get(run.partition) === best.id;
      return { victim: best.id, runs };
    }
    const { sdk, mode } = best.lacking[0] as (typeof variants)[number];
    const key = `${options.prefix}-${sdk}-${mode}-${randomUUID()}`;
    const id = await node.send(target(sdk, mode), options.input(key));
    const run = { key, id, sdk, mode, partition: await cluster.partitionOf(id), onVictim: false };
    runs.push(run);
    unready.push(run);
  }
  throw new Error(`${limit} runs sent, and no node led enough of them:\n${cluster.output()}`);
}

function lackingVariants(
  runs: PlacedRun[],
  leaders: Map<number, number>,
  node: number,
  perVariant: number,
) {
  return variants.filter(
    ({ sdk, mode }) =>
      runs.filter((r) => r.sdk === sdk && r.mode === mode && leaders.get(r.partition) === node)
        .length < perVariant,
  );
}

/** Holds the first model answer of runs, by key prefix, so that they start together. */
export class StartGate {
  private readonly holds = new Map<string, PromiseWithResolvers<void>>();

  hold(prefix: string): void {
    this.holds.set(prefix, Promise.withResolvers());
  }

  open(prefix: string): void {
    this.holds.get(prefix)?.resolve();
  }

  openAll(): void {
    for (const hold of this.holds.values()) hold.resolve();
  }

  async pass(key: string): Promise<void> {
    for (const [prefix, hold] of this.holds) if (key.startsWith(prefix)) await hold.promise;
  }
}

/** A model request or a probe effect of run `key`, by time. */
function progressOf(suite: ClusterSuite, key: string): number[] {
  const requests = suite.fake.requests.filter((r) => parseStepsPrompt(r)?.key === key);
  const effects = suite.probe.list().filter((e) => (e.data as { key?: string })?.key === key);
  return [...requests.map((r) => r.at), ...effects.map((e) => e.at)].sort((a, b) => a - b);
}

/**
 * How long run `key` stalled after a kill at `at`: the longest pause in its progress (model
 * requests, tool effects) from `at` on. The attempt that lost its leader may still make a little
 * progress of its own right after the kill (a `ctx.run` body runs before its result is
 * journaled); the pause is where the new leader takes over. `undefined` if the run had finished.
 */
export function stallAfter(suite: ClusterSuite, key: string, at: number): number | undefined {
  const times = progressOf(suite, key).filter((time) => time >= at);
  if (times.length === 0) return undefined;
  let longest = 0;
  let previous = at;
  for (const time of times) {
    longest = Math.max(longest, time - previous);
    previous = time;
  }
  return longest;
}

/** The longest pause between two progress events of run `key` (a fault-free reference). */
export function longestPause(suite: ClusterSuite, key: string): number {
  const times = progressOf(suite, key);
  let longest = 0;
  for (let i = 1; i < times.length; i++)
    longest = Math.max(longest, (times[i] as number) - (times[i - 1] as number));
  return longest;
}

export interface Spread {
  median: number;
  max: number;
}

export function spreadOf(values: number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)] as number,
    max: sorted.at(-1) as number,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/**
 * When each run's invocation completed (server clock, the same machine), by run key: found by
 * invocation id, or by the idempotency key a client called with.
 */
export async function completedAt(
  cluster: RestateCluster,
  runs: { key: string; id?: string }[],
): Promise<Map<string, number>> {
  const ids = runs.flatMap((run) => (run.id === undefined ? [] : [`'${run.id}'`]));
  const keys = runs.flatMap((run) => (run.id === undefined ? [`'${run.key}'`] : []));
  const rows = await cluster.query<{ id: string; idempotency_key?: string; completed_at: string }>(
    `SELECT id, idempotency_key, completed_at FROM sys_invocation WHERE id IN (${ids.join(", ") || "''"}) OR idempotency_key IN (${keys.join(", ") || "''"})`,
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const byKey = new Map(rows.map((row) => [row.idempotency_key, row]));
  const times = new Map<string, number>();
  for (const run of runs) {
    const row = run.id === undefined ? byKey.get(run.key) : byId.get(run.id);
    if (row !== undefined) times.set(run.key, Date.parse(row.completed_at));
  }
  return times;
}

/** The figures of a cluster scenario, in the cluster table of `npm run test:reliability`. */
export function reportClusterFigures(
  figures: Omit<Figures, "cluster"> & { cluster: NonNullable<Figures["cluster"]> },
): Promise<void> {
  return reportFigures(figures);
}

/** The run's output with its own key replaced, to compare with a fault-free run. */
export const normalised = (output: unknown, key: string) =>
  JSON.stringify(output)
    .replaceAll(key, "<key>")
    .replace(/\(\d+\)/g, "(<nonce>)");
