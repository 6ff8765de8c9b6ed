/**
 * Scenario 6, determinism fuzz: agents of both SDKs whose model asks for three tools at once
 * (parallel tool calls), with random latencies in the model and in the tools (non-journaled awaits
 * before and after their `ctx.run`), each forced through one replay of the whole run. No journal
 * mismatch, and the tools' steps are journaled in the model's order every time — with tools wrapped
 * in `durableTools`, and in plain usage (only `durableCalls`). The control — the same agent with
 * nothing ordering its tools — must produce mismatches, or the fuzz could not see one.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ModelRequest, Reply } from "@restate-ai/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  full,
  type ReliabilitySuite,
  reportFigures,
  startReliabilitySuite,
  target,
} from "./reliability-env.ts";

const RUNS_PER_SDK = full ? 200 : 50;
const CONCURRENCY = 10;
const ITEMS = [
  ["A", "B", "C"],
  ["D", "E", "F"],
];

function fuzzScript(request: ModelRequest): Reply {
  if (!/: fuzz\.$/.test(request.userText)) return { text: "ok" };
  const latencyMs = Math.random() * 20;
  const items = ITEMS[request.step];
  if (items === undefined) {
    return { text: `Looked up: ${request.toolOutputs.map((o) => o.output).join(", ")}`, latencyMs };
  }
  return { toolCalls: items.map((item) => ({ name: "lookup", args: { item } })), latencyMs };
}

const lookups = (journal: { entry_type: string; name: string }[]) =>
  journal
    .filter((e) => e.entry_type === "Command: Run" && e.name.startsWith("lookup "))
    .map((e) => e.name);

describe("determinism fuzz: parallel tool calls, random latencies, forced replay", () => {
  let suite: ReliabilitySuite;
  beforeAll(async () => {
    suite = await startReliabilitySuite();
    suite.fake.reset(fuzzScript);
  });
  afterAll(() => suite.stop());

  it.each([
    { sdk: "vercel", mode: "generate", name: "vercel" },
    { sdk: "vercel", mode: "generatePlain", name: "vercel (plain durableCalls)" },
    { sdk: "agents", mode: "generate", name: "agents" },
  ] as const)(
    `${RUNS_PER_SDK} $name runs, 0 mismatches`,
    { timeout: 300_000 },
    async ({ sdk, mode, name }) => {
      const started = Date.now();
      const ids: string[] = [];
      const keys = new Set<string>();
      let next = 0;
      const expected = `Looked up: ${ITEMS.flat()
        .map((item) => `record ${item}`)
        .join(", ")}`;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < RUNS_PER_SDK) {
            next++;
            const key = randomUUID();
            keys.add(key);
            const prompt = `Agent ${key}: fuzz.`;
            const id = await suite.restate.send(target(sdk, mode), {
              key,
              prompt,
              forceReplay: true,
            });
            ids.push(id);
            const output = await suite.restate.attach<{ text: string }>(id, 60_000);
            expect(output.text.replaceAll('"', "")).toBe(expected);
          }
        }),
      );
      for (const id of ids) {
        expect(lookups(await suite.restate.journal(id))).toEqual(
          ITEMS.flat().map((item) => `lookup ${item}`),
        );
      }
      const replays = suite.probe
        .list("forced-replay")
        .filter((e) => keys.has((e.data as { key: string }).key)).length;
      expect(replays).toBe(RUNS_PER_SDK);
      expect(suite.mismatchReports).toEqual([]);
      expect(await suite.restate.mismatched()).toEqual([]);
      const requests = suite.fake.requests.filter((r) =>
        keys.has(/Agent (\S+):/.exec(r.userText)?.[1] ?? ""),
      ).length;
      await reportFigures({
        scenario: `determinism fuzz, ${name}`,
        runs: RUNS_PER_SDK,
        passes: ids.length,
        llmRequestsPerStep: requests / (3 * RUNS_PER_SDK),
        duplicates: 0,
        mismatches: suite.mismatchReports.length,
        seconds: (Date.now() - started) / 1000,
        notes: `3 parallel tool calls per step; ${replays} runs replayed in full once`,
      });
    },
  );

  it("control: the same vercel agent without durableTools mismatches on replay", {
    timeout: 120_000,
  }, async () => {
    const ids = await Promise.all(
      Array.from({ length: 10 }, () => {
        const key = randomUUID();
        return suite.restate.send(target("vercel", "generateUnordered"), {
          key,
          prompt: `Agent ${key}: fuzz.`,
          forceReplay: true,
        });
      }),
    );
    const deadline = Date.now() + 60_000;
    let stuck: string[] = [];
    while (stuck.length === 0 && Date.now() < deadline) {
      await sleep(250);
      stuck = (await suite.restate.mismatched()).filter((id) => ids.includes(id));
    }
    expect(stuck.length).toBeGreaterThan(0);
    await Promise.all(ids.map((id) => suite.restate.killInvocation(id)));
  });
});
