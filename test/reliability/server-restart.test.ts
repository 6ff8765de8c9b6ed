/**
 * Scenario 2, server restart: agents of both SDKs are in flight when restate-server is killed
 * (SIGKILL) and started again on the same data dir. Every agent completes with the fault-free
 * answer; no journaled model call is requested again (the tool records which answer it got, and
 * it must be the last one requested for its step); each tool effect is applied once (its
 * idempotency key); only a step in flight at the crash may have run twice, and is counted.
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

const STEPS = 5;
const RUNS = full ? 40 : 12;

let suite: ReliabilitySuite;
beforeAll(async () => {
  suite = await startReliabilitySuite();
});
afterAll(() => suite.stop());

it(`${RUNS} agents in flight survive a restate-server kill -9 and restart`, async () => {
  const started = Date.now();
  const ledger = new AnswerLedger();
  suite.fake.reset(
    stepsScript({
      nonce: ledger.nonce,
      decorate: (_request, reply) => ({ ...reply, latencyMs: 80 }),
    }),
  );
  const runs = await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const { sdk, mode } = variants[i % variants.length] as (typeof variants)[number];
      const key = `restart-${i}-${randomUUID()}`;
      const id = await suite.restate.send(target(sdk, mode), {
        key,
        prompt: stepsPrompt(key, STEPS),
      });
      return { key, id };
    }),
  );
  while (suite.probe.count("tool-effect") < RUNS) await sleep(20);
  await suite.restate.kill();
  await suite.restate.restart();

  const outputs = await Promise.all(
    runs.map((run) => suite.restate.attach<{ text: string }>(run.id, 90_000)),
  );
  const accounting = ledger.account(
    suite,
    runs.map((run, i) => ({ key: run.key, text: outputs[i]?.text ?? "" })),
    STEPS,
  );
  outputs.forEach((output, i) => {
    expect(output.text).toMatch(new RegExp(`^Done ${runs[i]?.key} \\(\\d+\\): `));
  });
  expect(accounting.journaledRepeats).toEqual([]);
  expect(accounting.effectsApplied).toBe(RUNS * (STEPS - 1));
  expect(accounting.missingEffects).toEqual([]);
  expect(suite.mismatchReports).toEqual([]);
  await reportFigures({
    scenario: "restate-server kill -9 and restart",
    runs: RUNS,
    passes: outputs.length,
    llmRequestsPerStep: accounting.requests / (RUNS * STEPS),
    duplicates: accounting.journaledRepeats.length,
    mismatches: suite.mismatchReports.length,
    seconds: (Date.now() - started) / 1000,
    notes: `${accounting.inFlightRepeats} model calls and ${accounting.effectRepeats} tool effects in flight at the crash ran again (effects deduplicated by idempotency key)`,
  });
});
