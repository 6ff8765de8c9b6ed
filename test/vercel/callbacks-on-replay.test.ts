/**
 * `onStepFinish` / `onFinish` run again on every replay: a replay re-runs the AI SDK's loop, with
 * the journaled model answers. Only the callbacks' own `ctx.run`s are journaled — the safe pattern
 * for a side effect that must happen once per step. Proven across a SIGKILL of the service.
 */
import { fileURLToPath } from "node:url";
import { type AgentSuite, startAgentSuite } from "@restate-ai/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const agent = fileURLToPath(new URL("./services/callback-agent.ts", import.meta.url));

describe("callbacks on replay", () => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(agent);
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.probe.reset();
    suite.fake.reset((request) =>
      request.step < 2
        ? { toolCalls: [{ name: "doStep", args: { step: request.step + 1 } }] }
        : { text: "Both steps done." },
    );
  });

  it.each([false, true])("re-run, except what they do in ctx.run (stream: %s)", async (stream) => {
    // killed when step 2's tool runs: the first two model calls and step 1's tool are journaled
    let restarted: Promise<void> | undefined;
    suite.probe.gate("tool", async ({ data }) => {
      if ((data as { step: number }).step !== 2) return;
      suite.probe.ungate("tool");
      await suite.service.kill();
      restarted = suite.service.restart();
    });
    expect(await suite.restate.call("callbackAgent/run", { stream })).toBe("Both steps done.");
    await restarted;
    const ran = (name: string, stepNumber: number) =>
      suite.probe
        .list(name)
        .filter((e) => (e.data as { stepNumber: number }).stepNumber === stepNumber).length;
    // step 0's callback ran in the first attempt and again in the replay; its ctx.run once
    expect(ran("callback ran", 0)).toBe(2);
    expect(ran("step notified", 0)).toBe(1);
    for (const stepNumber of [1, 2]) expect(ran("step notified", stepNumber)).toBe(1);
    expect(suite.probe.count("finish notified")).toBe(1);
    expect(suite.fake.count()).toBe(3);
  });
});
