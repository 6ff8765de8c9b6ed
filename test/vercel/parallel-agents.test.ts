/**
 * Several agents at once in one handler. Started together on one Restate context their
 * operations interleave by timing and a replay mismatches the journal, retried forever: that must
 * instead fail at once with a `TerminalError` naming the supported way — sub-invocations combined
 * with `RestatePromise.all` — which is tested across a SIGKILL of the service.
 */
import { fileURLToPath } from "node:url";
import { type AgentSuite, type Script, startAgentSuite } from "@restate-ai/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const agents = fileURLToPath(new URL("./services/parallel-agents.ts", import.meta.url));

const check: Script = (request) => {
  const topic = /Check the (\w+)/.exec(request.userText)?.[1] ?? "?";
  return request.step === 0
    ? { toolCalls: [{ name: "check", args: { topic } }], latencyMs: 20 }
    : { text: `${topic}: ${request.toolOutputs[0]?.output}` };
};

describe("several agents at once in one handler", () => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(agents);
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.fake.reset(check);
    suite.probe.reset();
  });

  it.each([false, true])(
    "Promise.all over three agent loops fails at once (stream: %s)",
    async (stream) => {
      const id = await suite.restate.send("claimReview/concurrent", { stream });
      await expect(suite.restate.attach(id)).rejects.toThrow(
        /Several agent runs .* RestatePromise\.all/,
      );
      const invocation = await suite.restate.invocation(id);
      expect(invocation?.status).toBe("completed");
      expect(invocation?.completion_result).toBe("failure");
      expect(invocation?.retry_count ?? 0).toBe(0);
      expect(suite.fake.count()).toBeLessThanOrEqual(1);
      expect(suite.probe.count("check")).toBe(0);
      expect(await suite.restate.mismatched()).toEqual([]);
    },
  );

  it("sub-invocations with RestatePromise.all: all three complete across a kill", async () => {
    const crashed = suite.crashAt("check");
    const id = await suite.restate.send("claimReview/inParallel", null);
    await crashed;
    expect(await suite.restate.attach(id)).toEqual([
      "eligibility: eligibility is fine",
      "rates: rates is fine",
      "fraud: fraud is fine",
    ]);
    const checks = suite.probe.list("check").map((e) => (e.data as { topic: string }).topic);
    for (const topic of ["eligibility", "rates", "fraud"]) {
      // a check in flight at the kill (the three run at once) runs again: at-least-once ctx.run
      const runs = checks.filter((checked) => checked === topic).length;
      expect(runs).toBeGreaterThanOrEqual(1);
      expect(runs).toBeLessThanOrEqual(2);
      const steps = suite.fake.requests
        .filter((r) => r.userText.includes(topic))
        .map((r) => r.step);
      // one request per journaled step; the step in flight at the kill may have been asked twice
      expect(steps.filter((s) => s === 1)).toHaveLength(1);
      expect(steps.filter((s) => s === 0).length).toBeGreaterThanOrEqual(1);
      expect(steps.filter((s) => s === 0).length).toBeLessThanOrEqual(2);
    }
    expect(await suite.restate.mismatched()).toEqual([]);
  });
});
