/**
 * Scenario 3, cancellation at every phase, for both SDKs: while the LLM answers (and mid-stream),
 * inside a tool (a durable timer), while a tool awaits a human approval, and while a tool waits
 * for a sub-agent (a service call). Each time the invocation ends cancelled, the compensation in
 * the handler's catch runs once, the sub-agent is cancelled too, and no LLM request follows.
 */
import { randomUUID } from "node:crypto";
import type { ModelRequest, Reply } from "@restate-ai/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Mode,
  type ReliabilitySuite,
  reportFigures,
  type Sdk,
  startReliabilitySuite,
  target,
} from "./reliability-env.ts";

type Phase = "llm" | "tool" | "approval" | "sub-agent";

const firstTurn: Record<Phase, Reply> = {
  llm: { text: "A long answer that takes its time to arrive, word by word.", latencyMs: 30_000 },
  tool: { toolCalls: [{ name: "wait_for_shipment", args: { order: "A-1" } }] },
  approval: { toolCalls: [{ name: "request_approval", args: { reason: "refund" } }] },
  "sub-agent": { toolCalls: [{ name: "ask_specialist", args: { question: "Is it covered?" } }] },
};

function cancelScript(request: ModelRequest): Reply {
  const match = /Agent (\S+): cancel during (\S+)\./.exec(request.userText);
  if (match === null || request.step > 0) return { text: "The agent went on after the cancel." };
  const [, key, phase] = match as unknown as [string, string, Phase, string];
  if (phase === "llm" && key.includes("stream")) {
    return { text: "A long streamed answer, word by word, too slow to finish.", eventDelayMs: 400 };
  }
  return firstTurn[phase];
}

const cases: { sdk: Sdk; mode: Mode; phase: Phase }[] = [
  ...(["vercel", "agents"] as Sdk[]).flatMap((sdk) => [
    { sdk, mode: "generate" as Mode, phase: "llm" as Phase },
    { sdk, mode: "stream" as Mode, phase: "llm" as Phase },
    ...(["tool", "approval", "sub-agent"] as Phase[]).map((phase) => ({
      sdk,
      mode: "generate" as Mode,
      phase,
    })),
  ]),
];

describe("cancellation at every phase", () => {
  let suite: ReliabilitySuite;
  let passes = 0;
  let started = 0;
  beforeAll(async () => {
    started = Date.now();
    suite = await startReliabilitySuite();
    suite.fake.reset(cancelScript);
  });
  afterAll(async () => {
    await reportFigures({
      scenario: "cancellation at every phase",
      runs: cases.length,
      passes,
      llmRequestsPerStep: 1,
      duplicates: 0,
      mismatches: suite.mismatchReports.length,
      seconds: (Date.now() - started) / 1000,
      notes: "LLM requests after the cancel: 0 in every run",
    });
    await suite.stop();
  });

  it.each(cases)("$sdk $mode, cancelled during the $phase", async ({ sdk, mode, phase }) => {
    const key = `${mode}-${randomUUID()}`;
    const prompt = `Agent ${key}: cancel during ${phase}.`;
    const id = await suite.restate.send(target(sdk, mode), { key, prompt });
    await reached(suite, id, key, phase);

    await suite.restate.cancel(id);
    await expect(suite.restate.attach(id)).rejects.toThrow(/[Cc]ancel/);

    const row = await suite.restate.invocation(id);
    expect(row?.completion_failure).toMatch(/Cancelled/);
    const compensations = suite.probe
      .list("compensate")
      .filter((e) => (e.data as { key: string }).key === key);
    expect(compensations).toHaveLength(1);
    expect(cancelRunRequests(suite, key)).toHaveLength(1);
    if (phase === "sub-agent") {
      await suite.probe.waitFor("specialist-compensate", 1);
      const [call] = await suite.restate.invocations(`invoked_by_id = '${id}'`);
      expect(call?.id).toBeDefined();
      const callee = await suite.restate.waitFor(String(call?.id), (r) => r.status === "completed");
      expect(callee.completion_failure).toMatch(/Cancelled/);
    }
    passes++;
  });
});

/** Requests of a cancellation run (its prompt is not a steps prompt). */
function cancelRunRequests(suite: ReliabilitySuite, key: string) {
  return suite.fake.requests.filter((r) => r.userText.includes(`Agent ${key}:`));
}

/** Waits until run `id` is in `phase`. */
async function reached(suite: ReliabilitySuite, id: string, key: string, phase: Phase) {
  const hasEntry = async (type: string) =>
    (await suite.restate.journal(id)).some((e) => e.entry_type === type);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const there =
      phase === "llm"
        ? cancelRunRequests(suite, key).length > 0
        : phase === "tool"
          ? await hasEntry("Command: Sleep")
          : phase === "approval"
            ? suite.probe
                .list("approval-requested")
                .some((e) => (e.data as { key: string }).key === key)
            : await hasEntry("Command: Call");
    if (there) return;
    if (Date.now() > deadline) throw new Error(`run ${key} never reached the ${phase}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
