/**
 * Journal keys change while agents run, for both SDKs (the reliability suite's 5-step agents):
 *
 * - rotation: the service is killed inside step 3's tool and restarted with a new key in front of
 *   the old one; the run completes, entries journaled before decrypt with the old key and the new
 *   ones are encrypted with the new key;
 * - wrong key: restarted with a key set that lacks the run's key, and then with the right id but
 *   the wrong bytes, the invocation fails its attempts with an error naming the key id (visible as
 *   `last_failure`, never terminal, no model or tool step run meanwhile); restarted with the right
 *   key, it completes from its journal: every model step requested once, every tool effect once.
 *   Once with an encrypted input (the first value a replay decodes; the SDK would fail the
 *   invocation for good, `retryUndecryptableInput` keeps it retryable), once with a plaintext input
 *   (from a caller without the codec), so the first undecryptable value is a journaled step.
 */
import { randomUUID } from "node:crypto";
import { RestateApi } from "@restate-ai/test-harness";
import { generateJournalKey, journalCodec, parseJournalKeys } from "@restate-ai/vercel-middleware";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  effectsOf,
  type ReliabilitySuite,
  requestsOf,
  type Sdk,
  startReliabilitySuite,
  stepsPrompt,
  stepsScript,
  target,
} from "../reliability/reliability-env.ts";

const STEPS = 5;
const oldKey = generateJournalKey("k-old");
const newKey = generateJournalKey("k-new");
const forgedOld = generateJournalKey("k-old");

/** The key id in a stored value's envelope (see packages/core/src/journal-envelope.ts). */
function keyIdOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(7, 7 + (bytes[6] ?? 0))).toString("utf8");
}

describe.each(["vercel", "agents"] as Sdk[])("%s agent: journal keys change mid-run", (sdk) => {
  let suite: ReliabilitySuite;
  beforeAll(async () => {
    suite = await startReliabilitySuite({ journalKeys: oldKey, env: { RESTATE_LOGGING: "INFO" } });
    // the test's client can read whatever the service writes, with either key
    suite.restate.useCodec(await journalCodec({ keys: parseJournalKeys(`${oldKey},${newKey}`) }));
  });
  afterAll(() => suite.stop());

  /** Starts a run and kills the service inside step `step`'s tool, before its effect. */
  async function startAndKillAtTool(
    key: string,
    step: number,
    plainInput = false,
  ): Promise<string> {
    suite.fake.reset(stepsScript());
    const killed = Promise.withResolvers<void>();
    suite.probe.gate("tool-enter", async ({ data }) => {
      if ((data as { key: string; step: number }).key !== key) return;
      if ((data as { step: number }).step !== step) return;
      suite.probe.ungate("tool-enter");
      await suite.service.kill();
      killed.resolve();
    });
    const client = plainInput
      ? new RestateApi(suite.restate.ingressUrl, suite.restate.adminUrl)
      : suite.restate;
    const id = await client.send(target(sdk), { key, prompt: stepsPrompt(key, STEPS) });
    await killed.promise;
    return id;
  }

  function expectNoStepRepeated(key: string): void {
    const requests = requestsOf(suite, key);
    expect(requests.map((r) => r.step).sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...effectsOf(suite, key).values()]).toEqual([1, 1, 1, 1]);
  }

  it("rotation: restarted with a new key added in front, the run completes", async () => {
    const key = `rotate-${randomUUID()}`;
    const id = await startAndKillAtTool(key, 2);
    const before = (await suite.restate.journal(id)).filter((e) => e.resultBytes !== undefined);
    await suite.service.restart({ RESTATE_AI_JOURNAL_KEYS: `${newKey},${oldKey}` });
    const output = await suite.restate.attach<{ text: string }>(id, 60_000);
    expect(output.text).toContain(`Done ${key}`);
    expectNoStepRepeated(key);
    const entries = (await suite.restate.journal(id)).filter((e) => e.resultBytes !== undefined);
    const ids = entries.map((e) => keyIdOf(e.resultBytes as Uint8Array));
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(ids.slice(0, before.length)).toEqual(Array(before.length).fill("k-old"));
    expect(ids.slice(before.length)).toEqual(Array(ids.length - before.length).fill("k-new"));
    expect(ids.length).toBeGreaterThan(before.length);
    await suite.service.restart({ RESTATE_AI_JOURNAL_KEYS: oldKey });
  });

  it.each([
    ["encrypted", false],
    ["plaintext", true],
  ])(
    "wrong key on replay, %s input: a visible, retried failure naming the key; the right key continues it",
    async (_input, plainInput) => {
      const key = `wrong-${randomUUID()}`;
      const id = await startAndKillAtTool(key, 2, plainInput);
      const requestsAtKill = requestsOf(suite, key).length;

      await suite.service.restart({ RESTATE_AI_JOURNAL_KEYS: newKey });
      const missing = await suite.restate.waitFor(id, (row) =>
        /key "k-old", which this service does not have \(its keys: k-new\)/.test(
          row.last_failure ?? "",
        ),
      );
      expect(missing.status).not.toBe("completed");
      expect(missing.last_failure).toMatch(/Journal encryption: .*Add key "k-old" to the key set/);
      // which value failed first: the input, or (plaintext input) the first journaled step
      expect(missing.last_failure?.includes("the invocation's input")).toBe(!plainInput);

      await suite.service.restart({ RESTATE_AI_JOURNAL_KEYS: forgedOld });
      const forged = await suite.restate.waitFor(id, (row) =>
        /could not be decrypted with key "k-old"/.test(row.last_failure ?? ""),
      );
      expect(forged.status).not.toBe("completed");
      expect((forged.retry_count ?? 0) - (missing.retry_count ?? 0)).toBeGreaterThan(0);
      expect(requestsOf(suite, key)).toHaveLength(requestsAtKill);
      expect(suite.serviceLog.join("")).toMatch(/Journal encryption: .*key "k-old"/);

      await suite.service.restart({ RESTATE_AI_JOURNAL_KEYS: oldKey });
      const output = await suite.restate.attach<{ text: string }>(id, 60_000);
      expect(output.text).toContain(`Done ${key}`);
      expectNoStepRepeated(key);
      const row = await suite.restate.invocation(id);
      expect(row?.completion_result).toBe("success");
    },
  );
});
