/**
 * A 3-node cluster (replicated metadata and log, replication 2) losing a node under running
 * agents of both SDKs, generate and stream: the node leading the agents' partitions dies
 * (SIGKILL) mid-run; the node the clients are connected to dies and they re-attach through
 * another; an agent suspended on a human approval loses its partition leader; a killed node
 * restarts and rejoins, then another node dies. Every agent completes with the output of a
 * fault-free run, no journaled model call is requested again (each step's journaled answer is the
 * last one requested for it; an in-flight call may repeat, and is counted), every tool effect is
 * applied once (by idempotency key), and no journal mismatches.
 */
import { randomUUID } from "node:crypto";
import {
  attachSurviving,
  callSurviving,
  type ModelRequest,
  outputOf,
  type Reply,
  type SurvivingResult,
} from "@restate-ai/test-harness";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import {
  effectsOf,
  full,
  type Mode,
  parseStepsPrompt,
  type Sdk,
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
  longestPause,
  normalised,
  type PlacedRun,
  placeRuns,
  reportClusterFigures,
  StartGate,
  spreadOf,
  stallAfter,
  startClusterSuite,
} from "./cluster-env.ts";

const STEPS = 5;
const LATENCY_MS = 150;
/** Agents of each variant on the killed leader's partitions (more under `--full`). */
const ON_VICTIM = full ? 4 : 2;
const RUN_TIMEOUT_MS = 90_000;

let suite: ClusterSuite;
/** The fault-free output of each variant, normalised. */
const expected = new Map<string, string>();
let faultFreePauseMs = 0;
const gate = new StartGate();

beforeAll(async () => {
  suite = await startClusterSuite();
}, 90_000);
afterEach(async () => {
  gate.openAll();
  // A failed scenario must not leave a node down for the next one.
  for (const node of suite?.restate.nodes ?? []) {
    if (!node.running) {
      await suite.restate.restart(node.id);
      await suite.restate.waitRejoined(node.id);
    }
  }
}, 60_000);
afterAll(() => suite?.stop());

const variantOf = (run: { sdk: Sdk; mode: Mode }) => `${run.sdk} ${run.mode}`;
const input = (key: string) => ({ key, prompt: stepsPrompt(key, STEPS) });

/** Fresh counts; answers numbered by `ledger`, each taking LATENCY_MS, step 0 held by `gate`. */
function script(ledger: AnswerLedger) {
  suite.probe.reset();
  suite.fake.reset(
    stepsScript({
      nonce: ledger.nonce,
      decorate: async (request, reply) => {
        const key = parseStepsPrompt(request)?.key;
        if (key !== undefined && request.step === 0) await gate.pass(key);
        return { ...reply, latencyMs: LATENCY_MS };
      },
    }),
  );
}

const waitUntil = (what: string, done: () => boolean) =>
  vi.waitFor(
    () => {
      if (!done())
        throw new Error(`still waiting: ${what}\n${suite.restate.output().slice(-4000)}`);
    },
    { timeout: 60_000, interval: 20 },
  );

/**
 * Which runs the node leads right before it is killed (placement saw the leaders a moment
 * earlier); each variant must have one, or the scenario would not test what it says.
 */
async function markVictims(runs: PlacedRun[], victim: number) {
  const leaders = await suite.restate.leaders();
  for (const run of runs) run.onVictim = leaders.get(run.partition) === victim;
  for (const { sdk, mode } of variants) {
    const hit = runs.filter((r) => r.sdk === sdk && r.mode === mode && r.onVictim);
    expect(hit.length, `${sdk} ${mode} runs on n${victim}'s partitions`).toBeGreaterThan(0);
  }
}

/** Runs have made progress: each has applied its first tool effect. */
const midRun = (runs: { key: string }[]) =>
  waitUntil("every run applied its first tool effect", () =>
    runs.every((run) => effectsOf(suite, run.key).size >= 1),
  );

/**
 * The checks every scenario makes: fault-free output, no journaled model call requested again,
 * every tool effect once, no mismatch.
 */
async function verify(
  runs: { key: string; id?: string; sdk: Sdk; mode: Mode }[],
  outputs: { text: string }[],
  ledger: AnswerLedger,
) {
  runs.forEach((run, i) => {
    expect(normalised(outputs[i], run.key), run.key).toBe(expected.get(variantOf(run)));
  });
  const texts = runs.map((run, i) => ({ key: run.key, text: outputs[i]?.text ?? "" }));
  const accounting = ledger.account(suite, texts, STEPS);
  expect(accounting.journaledRepeats).toEqual([]);
  expect(accounting.missingEffects).toEqual([]);
  expect(accounting.effectsApplied).toBe(runs.length * (STEPS - 1));
  expect(suite.mismatchReports).toEqual([]);
  expect(await suite.restate.mismatched()).toEqual([]);
}

/** One row per variant of a scenario, for `npm run test:reliability`. */
async function report(
  scenario: string,
  runs: (PlacedRun | { key: string; sdk: Sdk; mode: Mode; onVictim: boolean })[],
  outputs: { text: string }[],
  ledger: AnswerLedger,
  details: {
    kills: number;
    /** When the kill that hit `run` happened. */
    killedAt: (run: { key: string }) => number;
    started: number;
    notes?: string;
    /** A re-attached client's figures: lost connection → result, and result after completion. */
    reattach?: (run: { key: string }) => { lostMs: number; afterCompletionMs: number } | undefined;
  },
) {
  for (const { sdk, mode } of variants) {
    const mine = runs.flatMap((run, i) =>
      run.sdk === sdk && run.mode === mode ? [{ run, text: outputs[i]?.text ?? "" }] : [],
    );
    const accounting = ledger.account(
      suite,
      mine.map(({ run, text }) => ({ key: run.key, text })),
      STEPS,
    );
    const stalls = mine.flatMap(({ run }) =>
      run.onVictim ? (stallAfter(suite, run.key, details.killedAt(run)) ?? []) : [],
    );
    const stallMs = spreadOf(stalls);
    const reattached = mine.flatMap(({ run }) => details.reattach?.(run) ?? []);
    const reattachMs = spreadOf(reattached.map((r) => r.lostMs));
    const afterCompletionMs = spreadOf(reattached.map((r) => r.afterCompletionMs));
    await reportClusterFigures({
      scenario: `${scenario}, ${sdk} ${mode}`,
      runs: mine.length,
      passes: mine.length,
      llmRequestsPerStep: accounting.requests / (mine.length * STEPS),
      duplicates: accounting.journaledRepeats.length,
      mismatches: suite.mismatchReports.length,
      seconds: (Date.now() - details.started) / 1000,
      notes: `${details.notes ?? `${mine.filter(({ run }) => run.onVictim).length} of ${mine.length} on the killed node's partitions`}; ${accounting.effectRepeats} in-flight tool effects ran again; fault-free longest pause ${faultFreePauseMs} ms`,
      cluster: {
        kills: details.kills,
        agents: `${sdk} ${mode}`,
        inFlightRepeats: accounting.inFlightRepeats,
        ...(stallMs === undefined ? {} : { stallMs }),
        ...(reattachMs === undefined ? {} : { reattachMs }),
        ...(afterCompletionMs === undefined ? {} : { afterCompletionMs }),
      },
    });
  }
}

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
  script(ledger);
  const runs = variants.map((variant) => ({ ...variant, key: `clean-${randomUUID()}` }));
  const outputs = await Promise.all(
    runs.map((run, i) =>
      suite.restate
        .node((i % 3) + 1)
        .call<{ text: string }>(target(run.sdk, run.mode), input(run.key), {
          timeoutMs: RUN_TIMEOUT_MS,
        }),
    ),
  );
  runs.forEach((run, i) => {
    expect(outputs[i]?.text).toMatch(new RegExp(`^Done ${run.key} \\(\\d+\\): result 0, `));
    expected.set(variantOf(run), normalised(outputs[i], run.key));
    expect([...effectsOf(suite, run.key).values()]).toEqual(Array(STEPS - 1).fill(1));
    faultFreePauseMs = Math.max(faultFreePauseMs, longestPause(suite, run.key));
  });
  // One request per step; a step whose attempt outlived the inactivity timeout on a starved
  // machine may be requested again, but never after its answer was journaled.
  await verify(runs, outputs, ledger);
});

it("the node leading the agents' partitions is SIGKILLed mid-run: all complete as if fault-free", {
  timeout: 180_000,
}, async () => {
  const started = Date.now();
  const cluster = suite.restate;
  const ledger = new AnswerLedger();
  script(ledger);
  gate.hold("leader");
  const victim = await busiestLeader(cluster);
  const via = cluster.liveNode([victim]).id;
  const runs = await placeRuns(suite, {
    victim,
    via,
    perVariant: ON_VICTIM,
    prefix: "leader",
    input,
  });
  const outputs = Promise.all(
    runs.map((run) => cluster.node(via).attach<{ text: string }>(run.id, RUN_TIMEOUT_MS)),
  );
  outputs.catch(() => {});
  gate.open("leader");
  await midRun(runs.filter((run) => run.onVictim));
  await markVictims(runs, victim);
  const killedAt = Date.now();
  await cluster.kill(victim);

  const results = await outputs;
  await verify(runs, results, ledger);
  await report("partition leader SIGKILLed", runs, results, ledger, {
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
  script(ledger);
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
      const id = await cluster.node(victim).send(goal, input(run.key));
      ids.set(run.key, id);
      pending.push(attachSurviving(cluster, id, { via: victim, timeoutMs: RUN_TIMEOUT_MS }));
    } else {
      pending.push(
        callSurviving(cluster, goal, input(run.key), {
          via: victim,
          idempotencyKey: run.key,
          timeoutMs: RUN_TIMEOUT_MS,
        }),
      );
    }
  }
  const all = Promise.all(pending);
  all.catch(() => {});
  await midRun(runs);
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
  await verify(runs, outputs, ledger);
  const invocations = await cluster.invocations(
    `target LIKE '%Agent/%' AND idempotency_key IN (${runs.map((r) => `'${r.key}'`).join(", ")})`,
  );
  expect(invocations).toHaveLength(runs.filter((r) => r.by === "key").length);
  const completed = await completedAt(
    cluster,
    runs.map((run) => ({ key: run.key, ...(ids.has(run.key) ? { id: ids.get(run.key) } : {}) })),
  );
  await report("ingress node SIGKILLed, clients re-attach", runs, outputs, ledger, {
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

/**
 * Step 0 asks for an approval; step 1 answers with what the reviewer decided, numbered by how
 * often step 1 was requested for that run, so the journaled answer shows whether it was the last.
 */
function approvalScript(): (request: ModelRequest) => Reply {
  const asked = new Map<string, number>();
  return (request) => {
    const key = /Agent (\S+): needs approval/.exec(request.userText)?.[1];
    if (key === undefined) return { text: "ok" };
    if (request.step === 0) {
      return { toolCalls: [{ name: "request_approval", args: { reason: `refund ${key}` } }] };
    }
    const n = (asked.get(key) ?? 0) + 1;
    asked.set(key, n);
    return { text: `Done ${key} (#${n}): ${outputOf(request, "request_approval")}` };
  };
}

it("an agent suspended on an approval loses its partition leader: resolved through another node, it completes", {
  timeout: 180_000,
}, async () => {
  const started = Date.now();
  const cluster = suite.restate;
  suite.probe.reset();
  suite.fake.reset(approvalScript());
  const victim = await busiestLeader(cluster);
  const via = cluster.liveNode([victim]).id;
  const awakeables = new Map<string, string>();
  const suspended = async (fresh: PlacedRun[]) => {
    await waitUntil("every run asked for an approval", () => {
      for (const effect of suite.probe.list("approval-requested")) {
        const data = effect.data as { key: string; awakeableId: string };
        awakeables.set(data.key, data.awakeableId);
      }
      return fresh.every((run) => awakeables.has(run.key));
    });
    for (const run of fresh) {
      await cluster.node(via).waitFor(run.id, (row) => row.status === "suspended", 30_000);
    }
  };
  const runs = await placeRuns(suite, {
    victim,
    via,
    perVariant: 1,
    prefix: "approval",
    input: (key) => ({ key, prompt: `Agent ${key}: needs approval.` }),
    ready: suspended,
  });
  await markVictims(runs, victim);
  const killedAt = Date.now();
  await cluster.kill(victim);

  for (const run of runs) {
    await cluster.node(via).resolveAwakeable(awakeables.get(run.key) as string, true);
  }
  const outputs = await Promise.all(
    runs.map((run) => cluster.node(via).attach<{ text: string }>(run.id, RUN_TIMEOUT_MS)),
  );
  runs.forEach((run, i) => {
    const requests = suite.fake.requests.filter((r) => r.userText.includes(run.key));
    const final = requests.filter((r) => r.step === 1).length;
    // Step 0 was journaled before the kill: never requested again. Step 1 may have been in
    // flight when leadership moved; the journaled answer is the last one requested.
    expect(requests.filter((r) => r.step === 0)).toHaveLength(1);
    expect(outputs[i]?.text).toBe(`Done ${run.key} (#${final}): approved`);
    expect(
      suite.probe
        .list("approval-requested")
        .filter((e) => (e.data as { key: string }).key === run.key),
    ).toHaveLength(1);
  });
  expect(suite.mismatchReports).toEqual([]);
  for (const { sdk, mode } of variants) {
    const mine = runs.filter((run) => run.sdk === sdk && run.mode === mode);
    const stallMs = spreadOf(
      mine.flatMap((run) => {
        const next = suite.fake.requests.find((r) => r.userText.includes(run.key) && r.step === 1);
        return run.onVictim && next !== undefined ? [next.at - killedAt] : [];
      }),
    );
    await reportClusterFigures({
      scenario: `suspended on an approval, leader SIGKILLed, ${sdk} ${mode}`,
      runs: mine.length,
      passes: mine.length,
      llmRequestsPerStep: 1,
      duplicates: 0,
      mismatches: suite.mismatchReports.length,
      seconds: (Date.now() - started) / 1000,
      notes:
        "resolved through another node; stall = kill to the model's next request, which waits for the approval",
      cluster: {
        kills: 1,
        agents: `${sdk} ${mode}`,
        inFlightRepeats: 0,
        ...(stallMs === undefined ? {} : { stallMs }),
      },
    });
  }

  await cluster.restart(victim);
  await cluster.waitRejoined(victim);
});

it("a killed node restarts and rejoins; a second kill, of another node, is survived too", {
  timeout: 240_000,
}, async () => {
  const started = Date.now();
  const cluster = suite.restate;
  const ledger = new AnswerLedger();
  script(ledger);
  gate.hold("first");
  gate.hold("second");

  const first = await busiestLeader(cluster);
  const firstVia = cluster.liveNode([first]).id;
  const before = await placeRuns(suite, {
    victim: first,
    via: firstVia,
    perVariant: 1,
    prefix: "first",
    input,
  });
  const beforeOutputs = Promise.all(
    before.map((run) => cluster.node(firstVia).attach<{ text: string }>(run.id, RUN_TIMEOUT_MS)),
  );
  beforeOutputs.catch(() => {});
  gate.open("first");
  await midRun(before.filter((run) => run.onVictim));
  await markVictims(before, first);
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
  const second = await busiestLeader(cluster, [first]);
  const after = await placeRuns(suite, {
    victim: second,
    via: first,
    perVariant: 1,
    prefix: "second",
    input,
  });
  const afterOutputs = Promise.all(
    after.map((run) => cluster.node(first).attach<{ text: string }>(run.id, RUN_TIMEOUT_MS)),
  );
  afterOutputs.catch(() => {});
  gate.open("second");
  await midRun(after.filter((run) => run.onVictim));
  await markVictims(after, second);
  const secondKilledAt = Date.now();
  await cluster.kill(second);
  const secondResults = await afterOutputs;

  const runs = [...before, ...after];
  const outputs = [...firstResults, ...secondResults];
  await verify(runs, outputs, ledger);
  await report(
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
