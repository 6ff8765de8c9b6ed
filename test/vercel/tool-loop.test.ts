/**
 * The AI SDK tool loop under Restate, against a real restate-server and the real `@ai-sdk/openai`
 * client: cancellation, suspension, terminal tool errors and approvals (parallel tool calls:
 * `parallel-tool-calls.test.ts`).
 * The last suite runs the same agents on `@restatedev/vercel-ai-middleware` 0.4.0 and shows each
 * scenario catching its misbehaviour.
 */
import { fileURLToPath } from "node:url";
import {
  type AgentSuite,
  type ModelRequest,
  type Script,
  startAgentSuite,
} from "@restate-ai/test-harness";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const agents = fileURLToPath(new URL("./services/tool-loop-agents.ts", import.meta.url));

const script: Script = (request: ModelRequest) => {
  const first = request.step === 0;
  if (request.tools.includes("requestApproval")) {
    return first
      ? { toolCalls: [{ name: "requestApproval", args: { claim: "C-1" } }] }
      : { text: `Reviewer said: ${request.toolOutputs[0]?.output}` };
  }
  if (request.tools.includes("chargeCard")) {
    return first
      ? { toolCalls: [{ name: "chargeCard", args: { amount: 42 } }] }
      : { text: `The charge failed: ${request.toolOutputs[0]?.output}` };
  }
  if (request.tools.includes("lookup")) {
    return first
      ? { toolCalls: ["A", "B", "C"].map((key) => ({ name: "lookup", args: { key } })) }
      : { text: request.toolOutputs.map((output) => output.output).join("; ") };
  }
  if (request.tools.includes("refund")) {
    return first
      ? { toolCalls: [{ name: "refund", args: { amount: 10 } }] }
      : { text: `Refund: ${request.toolOutputs[0]?.output}` };
  }
  return { text: "unexpected request" };
};

function awakeableOf(suite: AgentSuite, effect: string): string {
  const data = suite.probe.list(effect).at(-1)?.data as { awakeableId?: string } | undefined;
  if (data?.awakeableId === undefined) throw new Error(`no awakeable id in effect ${effect}`);
  return data.awakeableId;
}

describe("@restate-ai/vercel-middleware", () => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(agents, {
      restate: { inactivityTimeout: "2s" },
      env: { RESTATE_LOGGING: "WARN" },
    });
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.fake.reset(script);
    suite.probe.reset();
  });

  describe.each([
    { stream: false, ordered: false },
    { stream: false, ordered: true },
    { stream: true, ordered: false },
    { stream: true, ordered: true },
  ])("cancellation (stream: $stream, durableTools: $ordered)", (mode) => {
    it("ends the agent as cancelled, runs the compensation once, calls the LLM no more", async () => {
      const id = await suite.restate.send("approvalAgent/run", { prompt: "Approve C-1", ...mode });
      await suite.probe.waitFor("review requested");
      const requestsBeforeCancel = suite.fake.count();
      expect(requestsBeforeCancel).toBe(1);

      await suite.restate.cancel(id);
      await expect(suite.restate.attach(id)).rejects.toThrow(/409.*Cancelled/);

      const invocation = await suite.restate.invocation(id);
      expect(invocation?.status).toBe("completed");
      expect(invocation?.completion_result).toBe("failure");
      expect(invocation?.completion_failure).toContain("Cancelled");
      expect(suite.fake.count()).toBe(requestsBeforeCancel);
      expect(suite.probe.count("compensated")).toBe(1);
    });
  });

  it.each([false, true])(
    "suspends while a tool awaits approval and resumes with the real value (stream: %s)",
    async (stream) => {
      const id = await suite.restate.send("approvalAgent/run", {
        prompt: "Approve C-1",
        stream,
        ordered: true,
      });
      await suite.probe.waitFor("review requested");
      await suite.restate.waitFor(id, (row) => row.status === "suspended");

      await suite.restate.resolveAwakeable(
        awakeableOf(suite, "review requested"),
        "approved by Alice",
      );
      expect(await suite.restate.attach(id)).toBe("Reviewer said: approved by Alice");
      expect(suite.fake.count()).toBe(2);
      const last = suite.fake.requests.at(-1);
      expect(last?.toolOutputs.map((output) => output.output)).toEqual(["approved by Alice"]);
      expect(JSON.stringify(last?.body)).not.toMatch(/error|suspend/i);
    },
  );

  it.each([false, true])(
    "onStepFinish: rethrowTerminalToolError fails the agent after one LLM request (stream: %s)",
    async (stream) => {
      const id = await suite.restate.send("terminalAgent/fail", { prompt: "Charge 42", stream });
      await expect(suite.restate.attach(id)).rejects.toThrow(/Card declined: insufficient funds/);
      expect((await suite.restate.invocation(id))?.completion_result).toBe("failure");
      expect(suite.fake.count()).toBe(1);
    },
  );

  it.each([false, true])(
    "stopWhen: hasTerminalToolError stops after one LLM request (stream: %s)",
    async (stream) => {
      const result = await suite.restate.call("terminalAgent/stop", {
        prompt: "Charge 42",
        stream,
      });
      expect(result).toEqual({ terminalSteps: 1, steps: 1 });
      expect(suite.fake.count()).toBe(1);
    },
  );

  describe("durableApproval", () => {
    it("approved: the tool runs and the LLM sees its result", async () => {
      const id = await suite.restate.send("approvalHelperAgent/run", { prompt: "Refund 10" });
      await suite.probe.waitFor("approval requested");
      const request = suite.probe.list("approval requested")[0]?.data as Record<string, unknown>;
      expect(request).toMatchObject({
        toolName: "refund",
        toolCallId: "call_0_0",
        input: { amount: 10 },
      });
      await suite.restate.resolveAwakeable(String(request.awakeableId), { approved: true });
      expect(await suite.restate.attach(id)).toBe("Refund: null");
      expect(suite.probe.count("refunded")).toBe(1);
      expect(suite.probe.count("approval requested")).toBe(1);
    });

    it("denied: the tool does not run and the LLM sees the reviewer's reason", async () => {
      const id = await suite.restate.send("approvalHelperAgent/run", { prompt: "Refund 10" });
      await suite.probe.waitFor("approval requested");
      await suite.restate.resolveAwakeable(awakeableOf(suite, "approval requested"), {
        approved: false,
        reason: "not eligible for a refund",
      });
      expect(await suite.restate.attach(id)).toContain("not eligible for a refund");
      expect(suite.probe.count("refunded")).toBe(0);
      expect(suite.fake.requests.at(-1)?.toolOutputs[0]?.output).toContain(
        "not eligible for a refund",
      );
    });

    it("timed out: denied with 'timed out', the deadline surviving a service restart", async () => {
      const id = await suite.restate.send("approvalHelperAgent/run", {
        prompt: "Refund 10",
        timeoutMs: 3000,
      });
      await suite.probe.waitFor("approval requested");
      await expect
        .poll(async () =>
          (await suite.restate.journal(id)).some((e) => e.entry_type === "Command: Sleep"),
        )
        .toBe(true);
      await suite.service.kill();
      await new Promise((resolve) => setTimeout(resolve, 3500));
      await suite.service.restart();

      expect(await suite.restate.attach(id)).toContain("timed out");
      expect(suite.probe.count("refunded")).toBe(0);
      expect(suite.probe.count("approval requested")).toBe(1);
      const sleeps = (await suite.restate.journal(id)).filter(
        (e) => e.entry_type === "Command: Sleep",
      );
      expect(sleeps).toHaveLength(1);
      expect(suite.fake.requests.at(-1)?.toolOutputs[0]?.output).toContain("timed out");
    });
  });
});

describe("the same scenarios on @restatedev/vercel-ai-middleware 0.4.0", () => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(agents, { env: { MIDDLEWARE: "reference" } });
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.fake.reset(script);
    suite.probe.reset();
  });

  it("loses the cancellation: the LLM is called again and the invocation succeeds", async () => {
    const id = await suite.restate.send("approvalAgent/run", { prompt: "Approve C-1" });
    await suite.probe.waitFor("review requested");
    await suite.restate.cancel(id);
    await suite.restate.attach(id);
    expect((await suite.restate.invocation(id))?.completion_result).toBe("success");
    expect(suite.fake.count()).toBe(2);
    expect(suite.probe.count("compensated")).toBe(0);
  });

  it("ignores onStepFinish: rethrowTerminalToolError: the agent carries on", async () => {
    const id = await suite.restate.send("terminalAgent/fail", { prompt: "Charge 42" });
    await suite.restate.attach(id);
    expect((await suite.restate.invocation(id))?.completion_result).toBe("success");
    expect(suite.fake.count()).toBe(2);
  });

  it("gets stuck on journal mismatches with parallel tool calls", async () => {
    const ids = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        suite.restate.send("parallelAgent/run", { prompt: `Look up A, B and C (${i})` }),
      ),
    );
    await expect
      .poll(async () => (await suite.restate.mismatched("target = 'parallelAgent/run'")).length, {
        timeout: 20_000,
        interval: 200,
      })
      .toBeGreaterThan(0);
    await Promise.all(ids.map((id) => suite.restate.cancel(id)));
  });
});
