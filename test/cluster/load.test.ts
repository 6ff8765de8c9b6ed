/**
 * Load on the cluster: 200 concurrent 3-step agents of both SDKs (generate and stream), their
 * clients spread over the three nodes, while the node leading the most partitions is killed
 * (SIGKILL) and restarted (under `--full`: then another node too). All complete with their
 * answers; no journaled model call is requested again; every tool effect is applied once; no
 * journal mismatches. Clients of a killed node re-attach through another node, half by
 * invocation id, half by idempotency key. Reports time and p50/p99 latency (figures, not
 * assertions).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { attachSurviving, callSurviving, type SurvivingResult } from "@restate-ai/test-harness";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  full,
  stepsPrompt,
  stepsScript,
  target,
  variants,
} from "../reliability/reliability-env.ts";
import { AnswerLedger } from "../reliability/replay-accounting.ts";
import {
  busiestLeader,
  type ClusterSuite,
  completedAt,
  percentile,
  reportClusterFigures,
  spreadOf,
  startClusterSuite,
} from "./cluster-env.ts";

const STEPS = 3;
const RUNS = 200;
const KILLS = full ? 2 : 1;

let suite: ClusterSuite;
beforeAll(async () => {
  suite = await startClusterSuite();
}, 90_000);
afterAll(() => suite?.stop());

it(`${RUNS} concurrent agents complete across the cluster while a node is killed and restarted`, {
  timeout: 300_000,
}, async () => {
  const cluster = suite.restate;
  const ledger = new AnswerLedger();
  suite.fake.reset(
    stepsScript({
      nonce: ledger.nonce,
      decorate: (_request, reply) => ({ ...reply, latencyMs: 50 + Math.random() * 200 }),
    }),
  );
  const victims = [await busiestLeader(cluster)];
  const started = Date.now();
  const runs = await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const { sdk, mode } = variants[i % variants.length] as (typeof variants)[number];
      const key = `load-${i}-${randomUUID()}`;
      const via = (i % cluster.nodes.length) + 1;
      const goal = target(sdk, mode);
      const input = { key, prompt: stepsPrompt(key, STEPS) };
      const sent = Date.now();
      let result: Promise<SurvivingResult<{ text: string }>>;
      let id: string | undefined;
      if (i % 2 === 0) {
        result = callSurviving(cluster, goal, input, {
          via,
          idempotencyKey: key,
          timeoutMs: 240_000,
        });
      } else {
        id = await cluster.node(via).send(goal, input);
        result = attachSurviving(cluster, id, { via, timeoutMs: 240_000 });
      }
      result.catch(() => {});
      return { key, sent, result, ...(id === undefined ? {} : { id }) };
    }),
  );

  const done = () => suite.probe.count("tool-effect");
  while (done() < RUNS / 10) await sleep(10);
  const killedAt: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const victim = victims[kill] ?? (await busiestLeader(cluster, victims));
    victims[kill] = victim;
    killedAt.push(Date.now());
    await cluster.kill(victim);
    await sleep(2_000);
    await cluster.restart(victim);
    // The next kill only once this node is back in service: two down would stop the cluster.
    if (kill + 1 < KILLS) await cluster.waitRejoined(victim);
  }
  const results = await Promise.all(runs.map((run) => run.result));
  const seconds = (Date.now() - started) / 1000;

  results.forEach((result, i) => {
    expect(result.result.text).toMatch(new RegExp(`^Done ${runs[i]?.key} `));
  });
  const accounting = ledger.account(
    suite,
    results.map((result, i) => ({ key: runs[i]?.key ?? "", text: result.result.text })),
    STEPS,
  );
  expect(accounting.journaledRepeats).toEqual([]);
  expect(accounting.missingEffects).toEqual([]);
  expect(accounting.effectsApplied).toBe(RUNS * (STEPS - 1));
  expect(suite.mismatchReports).toEqual([]);
  expect(await cluster.mismatched()).toEqual([]);
  const reattached = runs.flatMap((run, i) => {
    const result = results[i] as SurvivingResult<{ text: string }>;
    return result.via.length > 1 ? [{ ...run, ...result }] : [];
  });
  expect(reattached.length).toBeGreaterThan(0);
  for (const result of reattached) expect(victims).toContain(result.via[0]);

  const latencies = results.map((result, i) => result.doneAt - (runs[i]?.sent ?? 0));
  const reattachMs = spreadOf(reattached.map((r) => r.doneAt - (r.lostAt ?? r.doneAt)));
  const completed = await completedAt(cluster, reattached);
  const afterCompletionMs = spreadOf(
    reattached.map((r) => Math.max(0, r.doneAt - (completed.get(r.key) ?? r.doneAt))),
  );
  await reportClusterFigures({
    scenario: `load: ${RUNS} concurrent agents, ${KILLS === 1 ? "one node" : `${KILLS} nodes`} killed and restarted`,
    runs: RUNS,
    passes: results.length,
    llmRequestsPerStep: accounting.requests / (RUNS * STEPS),
    duplicates: accounting.journaledRepeats.length,
    mismatches: suite.mismatchReports.length,
    seconds,
    notes: `p50 ${percentile(latencies, 0.5)} ms, p99 ${percentile(latencies, 0.99)} ms; ${reattached.length} clients re-attached through another node; ${accounting.effectRepeats} in-flight tool effects ran again; kills at ${killedAt.map((at) => `${((at - started) / 1000).toFixed(1)} s`).join(", ")}`,
    cluster: {
      kills: KILLS,
      agents: "vercel + agents, generate + stream",
      inFlightRepeats: accounting.inFlightRepeats,
      ...(reattachMs === undefined ? {} : { reattachMs }),
      ...(afterCompletionMs === undefined ? {} : { afterCompletionMs }),
    },
  });
});
