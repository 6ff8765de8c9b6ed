/**
 * An agent suspended on a human approval (an awakeable in a tool; both SDKs, generate and
 * stream) whose partition leader dies (SIGKILL): the approval is resolved through another node
 * and the agent completes. The model step before the approval is never requested again, the
 * approval is requested once, and the answer the agent journaled after the approval is the last
 * one requested (a step in flight when leadership moved may repeat, and is counted).
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { variants } from "../reliability/reliability-env.ts";
import {
  busiestLeader,
  type ClusterSuite,
  type PlacedRun,
  placeRuns,
  reportClusterFigures,
  spreadOf,
  startClusterSuite,
} from "./cluster-env.ts";
import { approvalScript, NodeLossKit } from "./node-loss-kit.ts";

const RUN_TIMEOUT_MS = 90_000;

let suite: ClusterSuite;
let kit: NodeLossKit;

beforeAll(async () => {
  suite = await startClusterSuite();
  kit = new NodeLossKit(suite, 2, 0);
}, 90_000);
afterEach(async () => {
  for (const node of suite?.restate.nodes ?? []) {
    if (!node.running) await suite.restate.restart(node.id);
  }
}, 60_000);
afterAll(() => suite?.stop());

it("an agent suspended on an approval loses its partition leader: resolved through another node, it completes", {
  timeout: 180_000,
}, async () => {
  const started = Date.now();
  const cluster = suite.restate;
  suite.probe.reset();
  suite.fake.reset(approvalScript());
  const busiest = await busiestLeader(cluster);
  const via = cluster.liveNode([busiest]).id;
  const awakeables = new Map<string, string>();
  const suspended = async (fresh: PlacedRun[]) => {
    await kit.waitUntil("every run asked for an approval", () => {
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
  const { victim, runs } = await placeRuns(suite, {
    via,
    prefer: busiest,
    perVariant: 1,
    prefix: "approval",
    input: (key) => ({ key, prompt: `Agent ${key}: needs approval.` }),
    ready: suspended,
  });
  await kit.markVictims(runs, victim);
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
  expect(await cluster.mismatched()).toEqual([]);
  for (const { sdk, mode } of variants) {
    const mine = runs.filter((run) => run.sdk === sdk && run.mode === mode);
    const requests = mine.flatMap((run) =>
      suite.fake.requests.filter((r) => r.userText.includes(run.key)),
    );
    const stallMs = spreadOf(
      mine.flatMap((run) => {
        const next = requests.find((r) => r.userText.includes(run.key) && r.step === 1);
        return run.onVictim && next !== undefined ? [next.at - killedAt] : [];
      }),
    );
    await reportClusterFigures({
      scenario: `suspended on an approval, leader SIGKILLed, ${sdk} ${mode}`,
      runs: mine.length,
      passes: mine.length,
      llmRequestsPerStep: requests.length / (mine.length * 2),
      // checked above: step 0 requested once, the journaled final answer the last requested
      duplicates: 0,
      mismatches: suite.mismatchReports.length,
      seconds: (Date.now() - started) / 1000,
      notes:
        "resolved through another node; stall = kill to the model's next request, which waits for the approval",
      cluster: {
        kills: 1,
        agents: `${sdk} ${mode}`,
        inFlightRepeats: requests.length - mine.length * 2,
        ...(stallMs === undefined ? {} : { stallMs }),
      },
    });
  }

  await cluster.restart(victim);
  await cluster.waitRejoined(victim);
});
