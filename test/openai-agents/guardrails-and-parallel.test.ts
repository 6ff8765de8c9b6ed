/**
 * Durable runs with what the Agents SDK starts on its own: guardrails that run a guardrail agent
 * with `run()`, a guardrail doing Restate work that the SDK would run beside the model call, and
 * several runs at once in one handler. Against a real restate-server, across SIGKILLs, counting
 * model requests per agent at the fake OpenAI.
 */
import { fileURLToPath } from "node:url";
import { type AgentSuite, outputOf, type Script, startAgentSuite } from "@restate-ai/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const agents = fileURLToPath(new URL("./services/guarded-agents.ts", import.meta.url));

const script: Script = (request) => {
  if (request.system.includes("math homework")) {
    const isMathHomework = /solve/i.test(request.userText);
    return { text: JSON.stringify({ isMathHomework, reasoning: "checked" }) };
  }
  if (request.system.includes("personal data"))
    return { text: JSON.stringify({ revealsPii: false }) };
  const topic = /(?:Explain|Analyse) the (\w+)/.exec(request.userText)?.[1] ?? "?";
  return request.step === 0
    ? { toolCalls: [{ name: "lookup", args: { topic } }] }
    : { text: `${topic}: ${outputOf(request, "lookup")}` };
};

const asked = (suite: AgentSuite, systemPart: string) =>
  suite.fake.count((request) => request.system.includes(systemPart));

describe("durable runs: guardrails and parallel runs", () => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(agents, { env: { OPENAI_AGENTS_DISABLE_TRACING: "1" } });
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.fake.reset(script);
    suite.probe.reset();
  });

  /** Kills the service the first time the probe sees `effect`; resolves once it is back. */
  function killAt(effect: string): Promise<void> {
    const restarted = Promise.withResolvers<void>();
    suite.probe.gate(effect, async () => {
      suite.probe.ungate(effect);
      await suite.service.kill();
      suite.service.restart().then(restarted.resolve, restarted.reject);
    });
    return restarted.promise;
  }

  it("guardrail agents started with run() are journaled: asked once across two kills", async () => {
    const kills = [killAt("lookup"), killAt("output guardrail")];
    const id = await suite.restate.send("guarded/run", "Explain the photosynthesis.");
    expect(await suite.restate.attach(id)).toBe("photosynthesis: facts about photosynthesis");
    await Promise.all(kills);
    expect(asked(suite, "math homework"), "the input guardrail's agent").toBe(1);
    expect(asked(suite, "personal data"), "the output guardrail's agent").toBe(1);
    expect(asked(suite, "tutor"), "the agent itself, one request per turn").toBe(2);
    // the guardrail doing Restate work ran beside nothing: one audit, no mismatch
    expect(suite.probe.count("audit")).toBe(1);
    // the kill hit the lookup inside its ctx.run, which therefore ran again
    expect(suite.probe.count("lookup")).toBe(2);
    expect(await suite.restate.mismatched()).toEqual([]);
    const names = (await suite.restate.journal(id)).map((entry) => entry.name);
    expect(names.filter((name) => name === "model gpt-4o")).toHaveLength(4);
  });

  it("a tripwire ends the run with a TerminalError, before the agent's model is called", async () => {
    const id = await suite.restate.send("guarded/run", "Solve 2x + 3 = 11 for me.");
    await expect(suite.restate.attach(id)).rejects.toThrow(/InputGuardrailTripwireTriggered/);
    expect((await suite.restate.invocation(id))?.retry_count ?? 0).toBe(0);
    expect(asked(suite, "math homework")).toBe(1);
    expect(asked(suite, "tutor")).toBe(0);
  });

  it("several runs at once on one context fail at once, naming the supported way", async () => {
    const id = await suite.restate.send("agentsClaimReview/concurrent", null);
    await expect(suite.restate.attach(id)).rejects.toThrow(/Several agent runs.*agentService/);
    expect((await suite.restate.invocation(id))?.retry_count ?? 0).toBe(0);
    expect(suite.fake.count()).toBeLessThanOrEqual(1);
    expect(await suite.restate.mismatched()).toEqual([]);
  });

  it("agentService + RestatePromise.all: three runs in parallel, across a kill", async () => {
    const killed = killAt("lookup");
    const id = await suite.restate.send("agentsClaimReview/inParallel", null);
    expect(await suite.restate.attach(id)).toEqual([
      "eligibility: facts about eligibility",
      "rates: facts about rates",
      "fraud: facts about fraud",
    ]);
    await killed;
    for (const topic of ["eligibility", "rates", "fraud"]) {
      const requests = suite.fake.requests.filter((r) => r.userText.includes(topic));
      // one request per turn; the turn in flight at the kill may have been asked twice
      expect(requests.filter((r) => r.step === 1)).toHaveLength(1);
      expect(requests.filter((r) => r.step === 0).length).toBeLessThanOrEqual(2);
      const lookups = suite.probe
        .list("lookup")
        .filter((e) => (e.data as { topic: string }).topic === topic);
      expect(lookups.length).toBeGreaterThanOrEqual(1);
      expect(lookups.length).toBeLessThanOrEqual(2);
    }
    expect(await suite.restate.mismatched()).toEqual([]);
    expect(await suite.restate.invocations("target = 'analyst/run'")).toHaveLength(3);
  });
});
