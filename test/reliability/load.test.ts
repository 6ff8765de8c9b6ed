/**
 * Scenario 4, load: many concurrent 3-step agents of both SDKs (generate and stream) while the
 * service is killed (SIGKILL) and restarted every one to three seconds. All complete with their
 * answers, no journaled model call is requested again, every tool effect is applied, and no
 * journal mismatches. Reports completion time and p50/p99 latency (figures, not assertions).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  full,
  type ReliabilitySuite,
  reportFigures,
  startReliabilitySuite,
  stepsPrompt,
  stepsScript,
  target,
  variants,
} from "./reliability-env.ts";
import { AnswerLedger } from "./replay-accounting.ts";

const STEPS = 3;
const RUNS = full ? 200 : 80;

let suite: ReliabilitySuite;
beforeAll(async () => {
  suite = await startReliabilitySuite();
});
afterAll(() => suite.stop());

it(`${RUNS} concurrent agents complete through random kills of the service`, {
  timeout: 240_000,
}, async () => {
  const ledger = new AnswerLedger();
  suite.fake.reset(
    stepsScript({
      nonce: ledger.nonce,
      decorate: (_request, reply) => ({ ...reply, latencyMs: 50 + Math.random() * 200 }),
    }),
  );
  const started = Date.now();
  const latencies: number[] = [];
  let done = 0;
  const runs = await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const { sdk, mode } = variants[i % variants.length] as (typeof variants)[number];
      const key = `load-${i}-${randomUUID()}`;
      const sent = Date.now();
      const id = await suite.restate.send(target(sdk, mode), {
        key,
        prompt: stepsPrompt(key, STEPS),
      });
      return { key, id, sent };
    }),
  );
  const outputs = Promise.all(
    runs.map(async (run) => {
      const output = await suite.restate.attach<{ text: string }>(run.id, 200_000);
      latencies.push(Date.now() - run.sent);
      done++;
      return { key: run.key, text: output.text };
    }),
  );

  let kills = 0;
  while (suite.probe.count("tool-effect") < RUNS / 10) await sleep(10);
  while (done < RUNS && kills < (full ? 12 : 5)) {
    await suite.service.kill();
    kills++;
    await suite.service.restart();
    await sleep(1000 + Math.random() * 2000);
  }
  const results = await outputs;
  const seconds = (Date.now() - started) / 1000;

  for (const result of results) expect(result.text).toMatch(new RegExp(`^Done ${result.key} `));
  const accounting = ledger.account(suite, results, STEPS);
  expect(accounting.journaledRepeats).toEqual([]);
  expect(accounting.missingEffects).toEqual([]);
  expect(accounting.effectsApplied).toBe(RUNS * (STEPS - 1));
  expect(suite.mismatchReports).toEqual([]);
  expect(await suite.restate.mismatched()).toEqual([]);
  expect(kills).toBeGreaterThan(0);

  latencies.sort((a, b) => a - b);
  const percentile = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  await reportFigures({
    scenario: `load: ${RUNS} concurrent agents, random kills`,
    runs: RUNS,
    passes: results.length,
    llmRequestsPerStep: accounting.requests / (RUNS * STEPS),
    duplicates: accounting.journaledRepeats.length,
    mismatches: suite.mismatchReports.length,
    seconds,
    notes: `${kills} kills; p50 ${percentile(0.5)} ms, p99 ${percentile(0.99)} ms; ${accounting.inFlightRepeats} in-flight model calls and ${accounting.effectRepeats} in-flight tool effects ran again`,
  });
});
