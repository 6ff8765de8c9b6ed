/**
 * A 3-node cluster (replicated metadata and log, replication 2) losing a node under running
 * agents of both SDKs, generate and stream: the node leading the agents' partitions dies
 * (SIGKILL) mid-run; the node the clients are connected to dies and they re-attach through
 * another; a killed node restarts and rejoins, then another node dies (an agent suspended on an
 * approval losing its leader: `approval-loss.test.ts`). Every agent completes with the output of a
 * fault-free run, no journaled model call is requested again (each step's journaled answer is the
 * last one requested for it; an in-flight call may repeat, and is counted), every tool effect is
 * applied once (by idempotency key), and no journal mismatches.
 */
import { randomUUID } from "node:crypto";
import { attachSurviving, callSurviving, type SurvivingResult } from "@restate-ai/test-harness";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { effectsOf, full, target, variants } from "../reliability/reliability-env.ts";
import { AnswerLedger } from "../reliability/replay-accounting.ts";
import {
  busiestLeader,
  type ClusterSuite,
  completedAt,
  longestPause,
  normalised,
  type PlacedRun,
  placeRuns,
  startClusterSuite,
} from "./cluster-env.ts";
import { NodeLossKit, variantOf } from "./node-loss-kit.ts";

const STEPS = 5;
const LATENCY_MS = 150;
/** Agents of each variant on the killed leader's partitions (more under `--full`). */
const ON_VICTIM = full ? 4 : 2;
const RUN_TIMEOUT_MS = 90_000;

let suite: ClusterSuite;
let kit: NodeLossKit;

beforeAll(async () => {
  suite = await startClusterSuite();
  kit = new NodeLossKit(suite, STEPS, LATENCY_MS);
}, 90_000);
afterEach(async () => {
  kit?.gate.openAll();
  // A failed scenario must not leave a node down for the next one.
  for (const node of suite?.restate.nodes ?? []) {
    if (!node.running) {
      await suite.restate.restart(node.id);
      await suite.restate.waitRejoined(node.id);
    }
  }
}, 60_000);
afterAll(() => suite?.stop());

it("is a real cluster, and runs agents fault-free through every node", async () => {
  const nodes = await suite.restate.sql<{ state: string; metadata_server_state: string }>(
    "SELECT state, metadata_server_state FROM nodes",
  );
  expect(nodes).toEqual(Array(3).fill({ state: "alive", metadata_server_state: "member" }));
  const logs = await suite.restate.sql<{ kind: string; replication: string }>(
    "SELECT DISTINCT kind, replication FROM logs",
  );
  expect(logs).toEqual([{ kind: "replicated", replication: "{node: 2}" }]);
  const partitions = await suite.restate.sql<{ current_replica_set: string }>(
    "SELECT current_replica_set FROM partitions",
  );
  expect(partitions).toHaveLength(4);
  for (const p of partitions) expect(p.current_replica_set.split(",")).toHaveLength(2);

  const ledger = new AnswerLedger();
  kit.script(ledger);
  const runs = variants.map((variant) => ({ ...variant, key: `clean-${randomUUID()}` }));
  const outputs = await Promise.all(
    runs.map((run, i) =>
      suite.restate
        .node((i % 3) + 1)
        .call<{ text: string }>(target(run.sdk, run.mode), kit.input(run.key), {
          timeoutMs: RUN_TIMEOUT_MS,
        }),
    ),
  );
  runs.forEach((run, i) => {
    expect(outputs[i]?.text).toMatch(new RegExp(`^Done ${run.key} \\(\\d+\\): result 0, `));
    kit.expected.set(variantOf(run), normalised(outputs[i], run.key));
    expect([...effectsOf(suite, run.key).values()]).toEqual(Array(STEPS - 1).fill(1));
    kit.faultFreePauseMs = Math.max(kit.faultFreePauseMs, longestPause(suite, run.key));
  });
  // One request per step; a step whose attempt outlived the inactivity timeout on a starved
  // machine may be requested again, but never after its answer was journaled.
  await kit.verify(runs, outputs, ledger);
});

it("the node leading the agents' partitions is SIGKILLed mid-run: all complete as if fault-free", {
  timeout: 180_000,
}, async () => {
  const started = Date.now();
  const cluster = suite.restate;
  const ledger = new AnswerLedger();
  kit.script(ledger);
  kit.gate.hold("leader");
  const busiest = await busiestLeader(cluster);
  const via = cluster.liveNode([busiest]).id;
  const { victim, runs } = await placeRuns(suite, {
    via,
    prefer: busiest,
    perVariant: ON_VICTIM,
    prefix: "leader",
    input: (key) => kit.input(key),
  });
  const outputs = Promise.all(
    runs.map((run) => cluster.node(via).attach<{ text: string }>(run.id, RUN_TIMEOUT_MS)),
  );
  outputs.catch(() => {});
  kit.gate.open("leader");
  await kit.midRun(runs.filter((run) => run.onVictim));
  await kit.markVictims(runs, victim);
  const killedAt = Date.now();
  await cluster.kill(victim);

  const results = await outputs;
  await kit.verify(runs, results, ledger);
  await kit.report("partition leader SIGKILLed", runs, results, ledger, {
    kills: 1,
    killedAt: () => killedAt,
    started,
  });

  await cluster.restart(victim);
  await cluster.waitRejoined(victim);
});

it("the clients' ingress node dies: they re-attach through another node, by invocation id and by idempotency key", {
  timeout: 180_000,
}, async () => {
  const started = Date.now();
  const cluster = suite.restate;
  const ledger = new AnswerLedger();
  kit.script(ledger);
  // The busiest leader is also the ingress: the node that both serves the clients and leads.
  const victim = await busiestLeader(cluster);
  const runs = variants.flatMap((variant) =>
    (["id", "key"] as const).map((by) => ({
      ...variant,
      by,
      key: `ingress-${by}-${randomUUID()}`,
      onVictim: true,
    })),
  );
  const pending: Promise<SurvivingResult<{ text: string }>>[] = [];
  const ids = new Map<string, string>();
  for (const run of runs) {
    const goal = target(run.sdk, run.mode);
    if (run.by === "id") {
      const id = await cluster.node(victim).send(goal, kit.input(run.key));
      ids.set(run.key, id);
      pending.push(attachSurviving(cluster, id, { via: victim, timeoutMs: RUN_TIMEOUT_MS }));
    } else {
      pending.push(
        callSurviving(cluster, goal, kit.input(run.key), {
          via: victim,
          idempotencyKey: run.key,
          timeoutMs: RUN_TIMEOUT_MS,
        }),
      );
    }
  }
  const all = Promise.all(pending);
  all.catch(() => {});
  await kit.midRun(runs);
  const ledByIngress = (
    await Promise.all([...ids.values()].map((id) => cluster.leaderOf(id)))
  ).filter((leader) => leader === victim).length;
  const killedAt = Date.now();
  await cluster.kill(victim);

  const results = await all;
  for (const result of results) {
    expect(result.via[0]).toBe(victim);
    expect(result.via.length).toBeGreaterThanOrEqual(2);
    expect(result.via.at(-1)).not.toBe(victim);
  }
  const outputs = results.map((r) => r.result);
  await kit.verify(runs, outputs, ledger);
  const invocations = await cluster.invocations(
    `target LIKE '%Agent/%' AND idempotency_key IN (${runs.map((r) => `'${r.key}'`).join(", ")})`,
  );
  expect(invocations).toHaveLength(runs.filter((r) => r.by === "key").length);
  const completed = await completedAt(
    cluster,
    runs.map((run) => ({ key: run.key, ...(ids.has(run.key) ? { id: ids.get(run.key) } : {}) })),
  );
  await kit.report("ingress node SIGKILLed, clients re-attach", runs, outputs, ledger, {
    kills: 1,
    killedAt: () => killedAt,
    started,
    notes: `ingress of all runs; also the leader of ${ledByIngress} of the ${ids.size} attached by id`,
    reattach: (run) => {
      const result = results[runs.findIndex((r) => r.key === run.key)];
      const done = completed.get(run.key);
      if (result?.lostAt === undefined || done === undefined) return undefined;
      return {
        lostMs: result.doneAt - result.lostAt,
        afterCompletionMs: Math.max(0, result.doneAt - done),
      };
    },
  });

  await cluster.restart(victim);
  await cluster.waitRejoined(victim);
});

it("a killed node restarts and rejoins; a second kill, of another node, is survived too", {
  timeout: 240_000,
}, async () => {
  const started = Date.now();
  const cluster = suite.restate;
  const ledger = new AnswerLedger();
  kit.script(ledger);
  kit.gate.hold("first");
  kit.gate.hold("second");

  const busiest = await busiestLeader(cluster);
  const firstVia = cluster.liveNode([busiest]).id;
  const { victim: first, runs: before } = await placeRuns(suite, {
    via: firstVia,
    prefer: busiest,
    perVariant: 1,
    prefix: "first",
    input: (key) => kit.input(key),
  });
  const beforeOutputs = Promise.all(
    before.map((run) => cluster.node(firstVia).attach<{ text: string }>(run.id, RUN_TIMEOUT_MS)),
  );
  beforeOutputs.catch(() => {});
  kit.gate.open("first");
  await kit.midRun(before.filter((run) => run.onVictim));
  await kit.markVictims(before, first);
  const firstKilledAt = Date.now();
  await cluster.kill(first);
  const [generation] = await cluster.sql<{ gen_node_id: string }>(
    `SELECT gen_node_id FROM nodes WHERE plain_node_id = 'N${first}'`,
  );
  await cluster.restart(first);
  const hosted = await cluster.waitRejoined(first);
  expect(hosted.length).toBeGreaterThan(0);
  const [rejoined] = await cluster.sql<{ gen_node_id: string; state: string }>(
    `SELECT gen_node_id, state FROM nodes WHERE plain_node_id = 'N${first}'`,
  );
  expect(rejoined?.state).toBe("alive");
  expect(rejoined?.gen_node_id).not.toBe(generation?.gen_node_id);
  const firstResults = await beforeOutputs;

  // The second kill: the busiest leader among the others; the clients use the rejoined node.
  const { victim: second, runs: after } = await placeRuns(suite, {
    via: first,
    prefer: await busiestLeader(cluster, [first]),
    perVariant: 1,
    prefix: "second",
    input: (key) => kit.input(key),
  });
  const afterOutputs = Promise.all(
    after.map((run) => cluster.node(first).attach<{ text: string }>(run.id, RUN_TIMEOUT_MS)),
  );
  afterOutputs.catch(() => {});
  kit.gate.open("second");
  await kit.midRun(after.filter((run) => run.onVictim));
  await kit.markVictims(after, second);
  const secondKilledAt = Date.now();
  await cluster.kill(second);
  const secondResults = await afterOutputs;

  const runs = [...before, ...after];
  const outputs = [...firstResults, ...secondResults];
  await kit.verify(runs, outputs, ledger);
  await kit.report(
    "node killed, restarted and rejoined, then another node killed",
    runs,
    outputs,
    ledger,
    {
      kills: 2,
      killedAt: (run) => (before.includes(run as PlacedRun) ? firstKilledAt : secondKilledAt),
      started,
    },
  );

  await cluster.restart(second);
  await cluster.waitRejoined(second);
});
