/**
 * `DurableRunner` against a real restate-server, with the real `@openai/agents-openai` Responses
 * client (and an AI SDK model through `aisdk`) talking to the fake OpenAI API, and the agent
 * service killed with SIGKILL mid-run.
 */
import { fileURLToPath } from "node:url";
import {
  type AgentSuite,
  conversation,
  type ModelRequest,
  outputOf,
  type Script,
  startAgentSuite,
} from "@restate-ai/test-harness";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

const agents = fileURLToPath(new URL("./services/agents.ts", import.meta.url));
const prompt = "What is the weather in Detroit?";
const weatherReport =
  'Weather report: {"city":"Detroit","temperature":21,"conditions":"sunny"}. Enjoy!';

const is = (request: ModelRequest, words: string) => request.system.includes(words);

const script: Script = (request) => {
  if (is(request, "weather updates")) {
    return conversation(
      { toolCalls: [{ name: "get_weather", args: { city: "Detroit" } }] },
      (r: ModelRequest) => ({ text: `Weather report: ${outputOf(r, "get_weather")}. Enjoy!` }),
    )(request);
  }
  if (is(request, "You triage")) {
    const handoff = request.tools.find((name) => name.startsWith("transfer_to"));
    return { toolCalls: [{ name: String(handoff), args: {} }] };
  }
  if (is(request, "claims specialist")) {
    if (outputOf(request, "research_policy") === undefined) {
      return { toolCalls: [{ name: "research_policy", args: { input: "policy of claim C-1" } }] };
    }
    if (outputOf(request, "file_claim") === undefined) {
      return { toolCalls: [{ name: "file_claim", args: { claim: "C-1" } }] };
    }
    return {
      text: `Filed ${outputOf(request, "file_claim")}: ${outputOf(request, "research_policy")}`,
    };
  }
  if (is(request, "You research")) return { text: "The policy covers water damage." };
  if (is(request, "You look up")) {
    return outputOf(request, "lookup") === undefined
      ? { toolCalls: ["A", "B", "C"].map((key) => ({ name: "lookup", args: { key } })) }
      : { text: request.toolOutputs.map((output) => output.output).join("; ") };
  }
  if (is(request, "reviewed")) {
    return outputOf(request, "request_review") === undefined
      ? { toolCalls: [{ name: "request_review", args: { claim: "C-1" } }] }
      : { text: `Reviewer said: ${outputOf(request, "request_review")}` };
  }
  if (is(request, "charge customers")) {
    return outputOf(request, "charge_card") === undefined
      ? { toolCalls: [{ name: "charge_card", args: { amount: 42 } }] }
      : { text: `Charging failed: ${outputOf(request, "charge_card")}` };
  }
  if (is(request, "chat agent"))
    return { text: `Reply ${request.step + 1} to: ${request.userText.split("\n").at(-1)}` };
  if (is(request, "refund customers")) {
    return outputOf(request, "refund") === undefined
      ? { toolCalls: [{ name: "refund", args: { amount: 10 } }] }
      : { text: `Refund: ${outputOf(request, "refund")}` };
  }
  return { text: "unexpected request" };
};

let suite: AgentSuite;
beforeAll(async () => {
  suite = await startAgentSuite(agents, { restate: { inactivityTimeout: "2s" } });
});
afterAll(() => suite.stop());
beforeEach(() => {
  suite.fake.reset(script);
  suite.probe.reset();
});
afterEach(() => {
  // the network guard fails any request that leaves the machine, e.g. a trace export
  expect(suite.probe.unexpected).toEqual([]);
  expect(suite.fake.unknown).toEqual([]);
});

const awakeableOf = (effect: string) => {
  const data = suite.probe.list(effect).at(-1)?.data as { awakeableId?: string } | undefined;
  if (data?.awakeableId === undefined) throw new Error(`no awakeable in ${effect}`);
  return data.awakeableId;
};

describe("model calls", () => {
  it("a SIGKILL during the tool costs no model request and no second side effect", async () => {
    const crashed = suite.crashAt("weather journaled");
    const id = await suite.restate.send("agentsWeather/run", prompt);
    await crashed;
    expect(await suite.restate.attach(id)).toBe(weatherReport);
    expect(suite.fake.count()).toBe(2);
    expect(suite.probe.count("weather")).toBe(1);
    const names = (await suite.restate.journal(id)).filter((e) => e.entry_type === "Command: Run");
    expect(names.map((e) => e.name)).toEqual(["model gpt-4o", "get weather", "model gpt-4o"]);
  });

  it("stream: true streams the same text after a crash, with one request per turn", async () => {
    const clean = await suite.restate.call<{ streamed: string }>("agentsWeather/stream", prompt);
    expect(suite.fake.count()).toBe(2);
    suite.fake.reset(script);

    const crashed = suite.crashAt("weather journaled");
    const id = await suite.restate.send("agentsWeather/stream", prompt);
    await crashed;
    const replayed = await suite.restate.attach<{ text: string; streamed: string }>(id);
    expect(replayed.streamed).toBe(clean.streamed);
    expect(replayed).toEqual({ text: weatherReport, streamed: weatherReport });
    expect(suite.fake.count()).toBe(2);
    expect(suite.fake.requests.every((request) => request.stream)).toBe(true);
  });

  it("journals handoff targets (a Model instance) and asTool sub-runs: no call repeated after a crash", async () => {
    const crashed = suite.crashAt("claim journaled");
    const id = await suite.restate.send("agentsClaims/run", "My basement flooded, claim C-1");
    await crashed;
    expect(await suite.restate.attach(id)).toEqual({
      agent: "ClaimsSpecialist",
      output: "Filed CLM-1: The policy covers water damage.",
    });
    expect(suite.fake.count((r) => is(r, "You triage"))).toBe(1);
    expect(suite.fake.count((r) => is(r, "claims specialist"))).toBe(3);
    expect(suite.fake.count((r) => is(r, "You research"))).toBe(1);
    expect(suite.probe.count("claim filed")).toBe(1);
  });

  it("fails terminally after exactly maxRetryAttempts requests when the provider answers 500", async () => {
    suite.fake.reset(() => ({ status: 500, message: "The server had an error" }));
    await expect(suite.restate.call("agentsWeather/run", prompt)).rejects.toThrow(
      /The server had an error/,
    );
    expect(suite.fake.count()).toBe(3);
  });

  it("fails terminally after one request when the provider answers 401", async () => {
    suite.fake.reset(() => ({ status: 401, message: "Incorrect API key provided" }));
    await expect(suite.restate.call("agentsWeather/run", prompt)).rejects.toThrow(
      /Incorrect API key provided.*HTTP 401/,
    );
    expect(suite.fake.count()).toBe(1);
  });
});

describe("tools", () => {
  it("three tool calls in one response: 20/20 complete through a replay, in model order, no mismatch", async () => {
    const ids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        suite.restate.send("agentsParallel/run", `A, B, C (${i})`),
      ),
    );
    let mismatched: string[] = [];
    const mismatches = suite.restate.watchMismatches("target = 'agentsParallel/run'");
    try {
      const results = await Promise.all(ids.map((id) => suite.restate.attach(id)));
      expect(results).toEqual(
        Array(20).fill("record A (enriched); record B (enriched); record C (enriched)"),
      );
    } finally {
      mismatched = mismatches.stop();
    }
    expect(mismatched).toEqual([]);
    for (const id of ids) {
      const runs = (await suite.restate.journal(id))
        .filter((e) => e.entry_type === "Command: Run" && !e.name.startsWith("model"))
        .map((e) => e.name);
      expect(runs).toEqual([
        "lookup A",
        "enrich A",
        "lookup B",
        "enrich B",
        "lookup C",
        "enrich C",
      ]);
    }
    expect(suite.fake.count()).toBe(40);
  });

  it("cancellation during a tool ends the run as cancelled, compensates once, calls no model after", async () => {
    const id = await suite.restate.send("agentsReview/run", "Review claim C-1");
    await suite.probe.waitFor("review requested");
    expect(suite.fake.count()).toBe(1);
    await suite.restate.cancel(id);
    await expect(suite.restate.attach(id)).rejects.toThrow(/409.*Cancelled/);
    const invocation = await suite.restate.invocation(id);
    expect(invocation?.completion_result).toBe("failure");
    expect(invocation?.completion_failure).toContain("Cancelled");
    expect(suite.fake.count()).toBe(1);
    expect(suite.probe.count("compensated")).toBe(1);
  });

  it("a tool awaiting an awakeable suspends; the model then sees the real answer", async () => {
    const id = await suite.restate.send("agentsReview/run", "Review claim C-1");
    await suite.probe.waitFor("review requested");
    await suite.restate.waitFor(id, (row) => row.status === "suspended");
    await suite.restate.resolveAwakeable(awakeableOf("review requested"), "approved by Alice");
    expect(await suite.restate.attach(id)).toBe("Reviewer said: approved by Alice");
    expect(suite.fake.count()).toBe(2);
  });

  it("a TerminalError in a tool fails the run after one model request", async () => {
    await expect(suite.restate.call("agentsCharge/fail", "Charge 42")).rejects.toThrow(
      /Card declined: insufficient funds/,
    );
    expect(suite.fake.count()).toBe(1);
  });

  it("with terminalErrors: 'model', the model sees the TerminalError instead", async () => {
    expect(await suite.restate.call("agentsCharge/showModel", "Charge 42")).toBe(
      "Charging failed: Card declined: insufficient funds",
    );
    expect(suite.fake.count()).toBe(2);
  });
});

describe("RestateSession", () => {
  it("keeps each object key's history across a crash, in order and without duplicates", async () => {
    await suite.restate.call("agentsChat/a/message", "hello");
    await suite.restate.call("agentsChat/b/message", "other conversation");
    const crashed = suite.crashAt("replied");
    const second = await suite.restate.send("agentsChat/a/message", "how are you?");
    await crashed;
    expect(await suite.restate.attach(second)).toBe("Reply 2 to: how are you?");
    await suite.restate.call("agentsChat/a/message", "bye");

    const history = await suite.restate.call<{ role?: string; content: unknown }[]>(
      "agentsChat/a/history",
      null,
    );
    const texts = history.map((item) =>
      typeof item.content === "string" ? item.content : JSON.stringify(item.content),
    );
    expect(history.map((item) => item.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    expect(texts[0]).toBe("hello");
    expect(texts[1]).toContain("Reply 1 to: hello");
    expect(texts[2]).toBe("how are you?");
    expect(texts[3]).toContain("Reply 2 to: how are you?");
    expect(texts[4]).toBe("bye");
    expect(texts[5]).toContain("Reply 3 to: bye");
    const other = await suite.restate.call<unknown[]>("agentsChat/b/history", null);
    expect(other).toHaveLength(2);
    // the model saw the whole history of key a, and nothing of key b
    expect(suite.fake.requests.at(-1)?.userText).toBe("hello\nhow are you?\nbye");
  });
});

describe("needsApproval through awakeables", () => {
  it("suspends until approved, then runs the tool", async () => {
    const id = await suite.restate.send("agentsRefund/run", { prompt: "Refund 10" });
    await suite.probe.waitFor("approval requested");
    await suite.restate.waitFor(id, (row) => row.status === "suspended");
    expect(suite.probe.list("approval requested")[0]?.data).toMatchObject({
      toolName: "refund",
      toolCallId: "call_0_0",
      input: { amount: 10 },
    });
    await suite.restate.resolveAwakeable(awakeableOf("approval requested"), true);
    expect(await suite.restate.attach(id)).toBe("Refund: null");
    expect(suite.probe.count("refunded")).toBe(1);
  });

  it("a rejection reaches the model and the tool does not run", async () => {
    const id = await suite.restate.send("agentsRefund/run", { prompt: "Refund 10" });
    await suite.probe.waitFor("approval requested");
    await suite.restate.resolveAwakeable(awakeableOf("approval requested"), {
      approved: false,
      reason: "refunds need a receipt",
    });
    expect(await suite.restate.attach(id)).toContain("refunds need a receipt");
    expect(suite.probe.count("refunded")).toBe(0);
  });

  it("a timeout rejects the call", async () => {
    const result = await suite.restate.call("agentsRefund/run", {
      prompt: "Refund 10",
      timeoutMs: 500,
    });
    expect(result).toContain("timed out");
    expect(suite.probe.count("refunded")).toBe(0);
  });
});
