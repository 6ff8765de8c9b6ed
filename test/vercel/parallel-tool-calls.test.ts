/**
 * Several tool calls in one model response, against a real restate-server and the real
 * `@ai-sdk/openai` client. Each `lookup` awaits random, non-journaled delays between its two
 * `ctx.run`s and fails its first attempt once, so an unordered execution journals in another order
 * on replay. Whatever the user wrote — `durableTools`, plain `durableCalls` only,
 * `toolCallConcurrency: 1`, a manual loop — no invocation may end in an endless journal mismatch.
 */
import { fileURLToPath } from "node:url";
import { type AgentSuite, type Script, startAgentSuite } from "@restate-ai/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const agents = fileURLToPath(new URL("./services/tool-loop-agents.ts", import.meta.url));
const ENRICHED = "record A (enriched); record B (enriched); record C (enriched)";

const lookups: Script = (request) =>
  request.step === 0
    ? { toolCalls: ["A", "B", "C"].map((key) => ({ name: "lookup", args: { key } })) }
    : { text: request.toolOutputs.map((output) => output.output).join("; ") };

describe("parallel tool calls", () => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(agents);
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.fake.reset(lookups);
    suite.probe.reset();
  });

  /** Runs `count` agents, each through a replay, and returns their ids; fails on any mismatch. */
  async function runThroughReplays(count: number, input: Record<string, unknown>) {
    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        suite.restate.send("parallelAgent/run", { prompt: `Look up A, B and C (${i})`, ...input }),
      ),
    );
    const mismatches = suite.restate.watchMismatches("target = 'parallelAgent/run'");
    try {
      const results = await Promise.all(ids.map((id) => suite.restate.attach<string>(id)));
      expect(results).toEqual(Array(count).fill(ENRICHED));
    } finally {
      expect(mismatches.stop()).toEqual([]);
    }
    for (const id of ids) {
      const runs = (await suite.restate.journal(id))
        .filter(
          (entry) => entry.entry_type === "Command: Run" && !/^(calling|stream) /.test(entry.name),
        )
        .map((entry) => entry.name);
      // "enrich C" always fails in the first attempt: success means the agent went through a replay.
      expect(runs).toEqual([
        "lookup A",
        "enrich A",
        "lookup B",
        "enrich B",
        "lookup C",
        "enrich C",
      ]);
    }
    return ids;
  }

  it.each([
    { name: "durableTools", input: { ordered: true } },
    { name: "plain durableCalls, generateText", input: {} },
    { name: "plain durableCalls, streamText", input: { stream: true } },
    { name: "plain durableCalls, toolCallConcurrency: 1", input: { toolCallConcurrency: 1 } },
  ])(
    "$name: 20/20 agents complete through a replay, journaled in model order",
    async ({ input }) => {
      await runThroughReplays(20, input);
      expect(suite.fake.count()).toBe(40);
      // Nothing asked the provider for one call at a time: the SDK's executions were ordered.
      expect(suite.fake.requests.every((r) => r.body.parallel_tool_calls === undefined)).toBe(true);
      expect(suite.service.output()).not.toMatch(/not wrapped with durableTools/);
    },
  );

  it("per-call telemetry, unwrapped tools: one call per response is requested", async () => {
    suite.fake.reset((request) =>
      request.step < 3
        ? { toolCalls: [{ name: "lookup", args: { key: ["A", "B", "C"][request.step] } }] }
        : { text: request.toolOutputs.map((output) => output.output).join("; ") },
    );
    const text = await suite.restate.call("parallelAgent/run", {
      prompt: "Look up A, B and C",
      perCallTelemetry: true,
    });
    expect(text).toBe(ENRICHED);
    expect(suite.fake.requests.map((r) => r.body.parallel_tool_calls)).toEqual(
      Array(4).fill(false),
    );
  });

  it("per-call telemetry, unwrapped tools, and several calls anyway: fails at once", async () => {
    const id = await suite.restate.send("parallelAgent/run", {
      prompt: "Look up A, B and C",
      perCallTelemetry: true,
    });
    await expect(suite.restate.attach(id)).rejects.toThrow(
      /3 tools in one step \(lookup\).*durableTools\(ctx, tools\)/,
    );
    expect((await suite.restate.invocation(id))?.completion_result).toBe("failure");
    expect(suite.fake.count(), "no retry, no second model call").toBe(1);
    expect(suite.probe.count("lookup")).toBe(0);
  });

  it('parallelToolCalls: "allow" leaves the request and the response alone', async () => {
    await runThroughReplays(1, {
      ordered: true,
      perCallTelemetry: true,
      parallelToolCalls: "allow",
    });
    expect(suite.fake.requests.every((r) => r.body.parallel_tool_calls === undefined)).toBe(true);
  });

  it("a manual loop (no execute, RestatePromise.all) keeps its parallel calls", async () => {
    const id = await suite.restate.send("parallelAgent/manualLoop", { prompt: "Look up A, B, C" });
    expect(await suite.restate.attach(id)).toBe("record A; record B; record C");
    expect(suite.fake.count()).toBe(2);
    expect(suite.fake.requests.every((r) => r.body.parallel_tool_calls === undefined)).toBe(true);
    expect(suite.service.output()).not.toMatch(/durableTools/);
  });
});
