/**
 * Scenario 1, kill at every step: a 5-step tool agent (4 tool steps, then the answer) is killed
 * with SIGKILL once per run, at one point: during each model call (mid-stream for streams), inside
 * each tool's `ctx.run` before its effect, and between steps after each tool. Every run must end
 * with the fault-free run's output, one LLM request per step (plus one when the kill hit a model
 * call not yet journaled) and each tool effect exactly once. With `encrypted`, the same runs with
 * journal encryption on (the codec decrypts every replayed entry), and the journal holds only
 * ciphertext.
 */
import { randomUUID } from "node:crypto";
import type { ModelRequest, Reply } from "@restate-ai/test-harness";
import { generateJournalKey } from "@restate-ai/vercel-middleware";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AgentKind,
  effectsOf,
  type Mode,
  parseStepsPrompt,
  type ReliabilitySuite,
  reportFigures,
  requestsOf,
  startReliabilitySuite,
  stepsPrompt,
  stepsScript,
  target,
} from "./reliability-env.ts";

const STEPS = 5;
const TOOL_STEPS = STEPS - 1;

type KillPoint =
  | { at: "model"; step: number }
  | { at: "tool"; step: number }
  | { at: "between"; step: number };

const killPoints: KillPoint[] = [
  ...Array.from({ length: STEPS }, (_, step) => ({ at: "model" as const, step })),
  ...Array.from({ length: TOOL_STEPS }, (_, step) => ({ at: "tool" as const, step })),
  ...Array.from({ length: TOOL_STEPS }, (_, step) => ({ at: "between" as const, step })),
];

const describePoint = (point: KillPoint) =>
  point.at === "model"
    ? `during model call ${point.step + 1}`
    : point.at === "tool"
      ? `inside tool ${point.step + 1}'s ctx.run`
      : `between steps ${point.step + 1} and ${point.step + 2}`;

export function describeKillMatrix(sdk: AgentKind, options: { encrypted?: boolean } = {}): void {
  const encrypted = options.encrypted ?? false;
  describe.each(["generate", "stream"] as Mode[])(
    `${sdk} agent, %s${encrypted ? ", encrypted journal" : ""}: kill -9 at every step`,
    (mode) => {
      let suite: ReliabilitySuite;
      let expected: unknown;
      const tally = { runs: 0, passes: 0, requests: 0, steps: 0, inFlight: 0 };
      let started = 0;

      beforeAll(async () => {
        started = Date.now();
        suite = await startReliabilitySuite(
          encrypted ? { journalKeys: generateJournalKey("kill-matrix") } : {},
        );
      });
      afterAll(async () => {
        await reportFigures({
          scenario: `kill at every step, ${sdk} ${mode}${encrypted ? ", encrypted" : ""}`,
          runs: tally.runs,
          passes: tally.passes,
          llmRequestsPerStep: tally.requests / tally.steps,
          // a repeated journaled step or effect fails its run, so passing runs have none
          duplicates: 0,
          mismatches: suite.mismatchReports.length,
          seconds: (Date.now() - started) / 1000,
          notes: `${tally.inFlight} repeated requests, all of model calls in flight at the kill`,
        });
        await suite.stop();
      });

      const run = async (key: string) => {
        const id = await suite.restate.send(target(sdk, mode), {
          key,
          prompt: stepsPrompt(key, STEPS),
        });
        return suite.restate.attach(id, 60_000);
      };

      it("runs fault-free with one request per step and one effect per tool step", async () => {
        suite.fake.reset(stepsScript());
        const key = `clean-${randomUUID()}`;
        expected = await run(key);
        expect(expected).toMatchObject({ text: expect.stringContaining(`Done ${key}`) });
        expect(requestsOf(suite, key)).toHaveLength(STEPS);
        expect([...effectsOf(suite, key).values()]).toEqual(Array(TOOL_STEPS).fill(1));
      });

      it.each(killPoints.map((point) => [describePoint(point), point] as const))(
        "killed %s: same output, no journaled step repeated, effects once",
        async (_name, point) => {
          const key = `kill-${point.at}-${point.step}-${randomUUID()}`;
          const restarted = armKill(suite, key, mode, point);
          tally.runs++;
          const output = await run(key);
          await restarted.promise;
          const normalise = (value: unknown) => JSON.stringify(value).replaceAll(key, "<key>");
          expect(normalise(output)).toBe(normalise(expected).replace(/clean-[0-9a-f-]+/g, "<key>"));
          const requests = requestsOf(suite, key);
          const extra = point.at === "model" ? 1 : 0;
          expect(requests).toHaveLength(STEPS + extra);
          const perStep = countBy(requests.map((r) => r.step));
          for (let step = 0; step < STEPS; step++) {
            expect(perStep.get(step), `requests of step ${step + 1}`).toBe(
              point.at === "model" && point.step === step ? 2 : 1,
            );
          }
          const effects = effectsOf(suite, key);
          expect([...effects.keys()].sort()).toEqual([0, 1, 2, 3]);
          expect([...effects.values()]).toEqual(Array(TOOL_STEPS).fill(1));
          tally.passes++;
          tally.requests += requests.length;
          tally.steps += STEPS;
          tally.inFlight += extra;
        },
      );

      if (encrypted) {
        it("journaled every value encrypted", async () => {
          const runs = await suite.restate.query<{ id: string }>(
            `SELECT id FROM sys_invocation WHERE target = '${target(sdk, mode)}'`,
          );
          const entries = (await Promise.all(runs.map((r) => suite.restate.journal(r.id)))).flat();
          const results = entries.flatMap((entry) => entry.resultBytes ?? []);
          expect(results.length).toBeGreaterThan(runs.length * STEPS);
          expect(results.every((bytes) => bytes[0] === 0xff && bytes[1] === 0x52)).toBe(true);
        });
      }
    },
  );
}

/** Makes the service die (and restart) at `point` of run `key`; resolves once it is back. */
function armKill(suite: ReliabilitySuite, key: string, mode: Mode, point: KillPoint) {
  const restarted = Promise.withResolvers<void>();
  let fired = false;
  const killAndRestart = async () => {
    await suite.service.kill();
    suite.service.restart().then(restarted.resolve, restarted.reject);
  };
  const mine = (data: unknown) => {
    const { key: k, step } = data as { key: string; step: number };
    return k === key && step === point.step;
  };
  if (point.at === "model") {
    const decorate = async (request: ModelRequest, reply: Reply): Promise<Reply> => {
      if (fired || parseStepsPrompt(request)?.key !== key || request.step !== point.step) {
        return reply;
      }
      fired = true;
      if (mode === "generate") {
        await killAndRestart();
        return reply;
      }
      // Mid-stream: some events reach the agent before it dies.
      setTimeout(killAndRestart, 60);
      return { ...reply, eventDelayMs: 25 };
    };
    suite.fake.reset(stepsScript({ decorate }));
  } else {
    suite.fake.reset(stepsScript());
    const effect = point.at === "tool" ? "tool-enter" : "after-tool";
    suite.probe.gate(effect, async ({ data }) => {
      if (fired || !mine(data)) return;
      fired = true;
      suite.probe.ungate(effect);
      await killAndRestart();
    });
  }
  return restarted;
}

function countBy<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
