/**
 * Every example agent, run through a real restate-server with the offline model, checked against
 * its documented outcome: answers, journal steps, suspension and approval, racing cancellation,
 * rollback order, chat history per key.
 */
import type { JournalEntry } from "@restate-ai/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExamplesEnvironment, startExamples } from "./examples-env.ts";

let env: ExamplesEnvironment;
beforeAll(async () => {
  env = await startExamples();
});
afterAll(() => env.stop());

const claim = {
  date: "2024-10-01",
  category: "orthopedic",
  reason: "hospital bill for a broken leg",
  amount: 3000,
  placeOfService: "General Hospital",
};
const bigClaim = { prompt: "Process my hospital bill of 3000USD for a broken leg." };

const runs = (journal: JournalEntry[]) =>
  journal.filter((e) => e.entry_type === "Command: Run").map((e) => e.name);

describe("Vercel AI SDK: quickstart and tour", () => {
  it("agent: answers from the (simulated) weather tool, one journaled step each", async () => {
    const id = await env.restate.send("agent/run", "What is the weather in Detroit?");
    expect(await env.restate.attach(id)).toMatch(
      /^The weather in Detroit is currently .*simulated/,
    );
    expect(runs(await env.restate.journal(id))).toEqual([
      "calling offline",
      "get weather",
      "calling offline",
    ]);
  });

  it("agent: Denver fails twice, Restate retries the tool step, the LLM is not called again", async () => {
    const id = await env.restate.send("agent/run", "What is the weather in Denver?");
    expect(await env.restate.attach(id)).toMatch(/The weather in Denver/);
    expect(env.agents.output()).toContain("Denver lookup 2 failed");
    expect(runs(await env.restate.journal(id))).toEqual([
      "calling offline",
      "get weather",
      "calling offline",
    ]);
  });

  it("WeatherAgent answers { prompt }", async () => {
    expect(
      await env.restate.call("WeatherAgent/run", {
        prompt: "What is the weather like in San Francisco?",
      }),
    ).toMatch(/The weather in San Francisco/);
  });

  it("HumanClaimApprovalAgent suspends until a human approves", async () => {
    const { id, awakeable } = await env.sendAndAwaitReviewer(
      "HumanClaimApprovalAgent/run",
      bigClaim,
    );
    await env.restate.resolveAwakeable(awakeable, true);
    expect(await env.restate.attach(id)).toMatch(/3000USD was approved after human review/);
  });

  it("HumanClaimApprovalWithTimeoutsAgent falls back when the approval times out", async () => {
    const result = await env.restate.call("HumanClaimApprovalWithTimeoutsAgent/run", bigClaim);
    expect(result).toMatch(/rejected after human review.*timed out/);
  });

  it("Chat keeps a history per session key", async () => {
    await env.restate.call("Chat/alice/message", {
      message: "make a poem about durable execution",
    });
    const second = await env.restate.call("Chat/alice/message", {
      message: "shorten it to 2 lines",
    });
    await env.restate.call("Chat/bob/message", { message: "hello" });
    expect(second).toEqual({ answer: expect.stringContaining("message 2 of our conversation") });
    const alice = await env.restate.call<{ role: string }[]>("Chat/alice/getHistory", null);
    expect(alice.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(await env.restate.call<unknown[]>("Chat/bob/getHistory", null)).toHaveLength(2);
  });

  it("SubWorkflowClaimApprovalAgent waits on the approval workflow it called", async () => {
    const { id, awakeable } = await env.sendAndAwaitReviewer(
      "SubWorkflowClaimApprovalAgent/run",
      bigClaim,
    );
    await env.restate.resolveAwakeable(awakeable, false);
    expect(await env.restate.attach(id)).toMatch(/rejected after human review/);
    const calls = (await env.restate.journal(id)).filter((e) => e.entry_type === "Command: Call");
    expect(calls).toHaveLength(1);
  });

  it("MultiAgentClaimApproval asks its sub-agents through durable calls", async () => {
    const id = await env.restate.send("MultiAgentClaimApproval/run", claim);
    expect(await env.restate.attach(id)).toMatch(/Eligible[\s\S]*Fraud risk: low/);
    const calls = (await env.restate.journal(id)).filter((e) => e.entry_type === "Command: Call");
    expect(calls).toHaveLength(2);
  });

  it("ParallelToolClaimAgent runs three durable steps in one tool", async () => {
    const id = await env.restate.send("ParallelToolClaimAgent/run", claim);
    expect(await env.restate.attach(id)).toContain("within standard rates");
    expect(runs(await env.restate.journal(id))).toEqual(
      expect.arrayContaining(["eligibility", "cost", "fraud"]),
    );
  });

  it("ParallelAgentClaimApproval decides from three parallel sub-agents", async () => {
    expect(await env.restate.call("ParallelAgentClaimApproval/run", claim)).toBe(
      "Decision: the claim is approved.",
    );
  });

  it("BookingWithRollbackAgent runs every registered compensation in reverse when the car fails for good", async () => {
    const id = await env.restate.send("BookingWithRollbackAgent/book", {
      bookingId: "booking_123",
      prompt: "Business trip to San Francisco: hotel, flight and car.",
    });
    await expect(env.restate.attach(id)).rejects.toThrow(/car type is not available/);
    expect(runs(await env.restate.journal(id)).filter((n) => !n.startsWith("calling "))).toEqual([
      "book-hotel",
      "book-flight",
      "book-car",
      "cancel-car",
      "cancel-flight",
      "cancel-hotel",
    ]);
  });

  it("ManualLoopAgent runs the model's tool calls itself, in parallel", async () => {
    const id = await env.restate.send("ManualLoopAgent/run", {
      prompt: "What is the weather like in New York and San Francisco?",
    });
    expect(await env.restate.attach(id)).toMatch(/New York[\s\S]*San Francisco/);
    expect(runs(await env.restate.journal(id))).toContain("get weather New York");
  });

  it("FailOnTerminalToolAgent fails with the tool's terminal error", async () => {
    await expect(
      env.restate.call("FailOnTerminalToolAgent/run", {
        prompt: "What is the weather in Atlantis?",
      }),
    ).rejects.toThrow(/Unknown city: Atlantis/);
  });

  it("StopOnTerminalToolAgent stops and reports the failing step", async () => {
    expect(
      await env.restate.call("StopOnTerminalToolAgent/run", {
        prompt: "What is the weather in Atlantis?",
      }),
    ).toMatch(/Stopped after a terminal tool error in 1 step/);
  });
});

describe("Vercel AI SDK: patterns", () => {
  it("RacingAgent returns the quick answer and cancels the deep analysis", async () => {
    expect(
      await env.restate.call("RacingAgent/run", { message: "What is durable execution?" }),
    ).toMatch(/^Quick take/);
    const [loser] = await env.restate.query<{ id: string }>(
      "SELECT id FROM sys_invocation WHERE target = 'RacingAgent/thinkLonger' ORDER BY created_at DESC LIMIT 1",
    );
    const row = await env.restate.waitFor(String(loser?.id), (r) => r.status === "completed");
    expect(row.completion_failure).toContain("Cancelled");
  });

  it("ModerationAgent decides clear content and escalates uncertain content to a human", async () => {
    expect(
      await env.restate.call("ModerationAgent/moderate", { message: "Nice weather today" }),
    ).toBe("Content approved: no policy violation.");
    const { id, awakeable } = await env.sendAndAwaitReviewer("ModerationAgent/moderate", {
      message: "Is this maybe borderline?",
    });
    await env.restate.resolveAwakeable(awakeable, "approved");
    expect(await env.restate.attach(id)).toBe("approved");
  });

  it("PromptChaining extracts, sorts and tabulates the metrics in three journaled steps", async () => {
    const id = await env.restate.send("PromptChaining/process", {
      message:
        "Q3 revenue rose to 45 million. Customer satisfaction improved to 92 points. Churn fell to 3.5%.",
    });
    expect(await env.restate.attach(id)).toBe(
      "| Metric | Value |\n|:--|--:|\n| Customer satisfaction | 92 |\n| revenue | 45 |\n| Churn | 3.5% |",
    );
    expect(runs(await env.restate.journal(id))).toHaveLength(3);
  });

  it("AgentRouter routes billing questions to the billing specialist", async () => {
    expect(
      await env.restate.call("AgentRouter/answer", {
        message: "I was charged twice for my subscription",
      }),
    ).toMatch(/^Billing:/);
  });

  it("RemoteAgentRouter calls the account specialist service", async () => {
    const id = await env.restate.send("RemoteAgentRouter/answer", {
      message: "I cannot log in to my account",
    });
    expect(await env.restate.attach(id)).toMatch(/^Account:/);
    const calls = (await env.restate.journal(id)).filter((e) => e.entry_type === "Command: Call");
    expect(calls).toHaveLength(1);
  });

  it("ParallelToolCallsAgent: three tool calls in one step, journaled in the model's order", async () => {
    const id = await env.restate.send("ParallelToolCallsAgent/run", {
      message: "Compare the weather in Detroit, Denver and Paris",
    });
    expect(await env.restate.attach(id)).toMatch(/Detroit[\s\S]*Denver[\s\S]*Paris/);
    expect(runs(await env.restate.journal(id)).filter((n) => n.startsWith("get weather"))).toEqual([
      "get weather Detroit",
      "get weather Denver",
      "get weather Paris",
    ]);
  });

  it("RefundAgent waits for a durable approval before refunding", async () => {
    const { id, awakeable } = await env.sendAndAwaitReviewer("RefundAgent/run", {
      prompt: "Refund 120 EUR to order 42",
    });
    await env.restate.resolveAwakeable(awakeable, true);
    expect(await env.restate.attach(id)).toContain("refunded 120");
  });
});

describe("OpenAI Agents SDK", () => {
  it("OpenAIWeatherAgent answers with journaled model and tool steps", async () => {
    const id = await env.restate.send("OpenAIWeatherAgent/run", "What is the weather in Detroit?");
    expect(await env.restate.attach(id)).toMatch(/The weather in Detroit/);
    expect(runs(await env.restate.journal(id))).toEqual([
      "model gpt-4o",
      "get weather",
      "model gpt-4o",
    ]);
  });

  it("OpenAIClaimApprovalAgent suspends until approved, and falls back on timeout", async () => {
    const { id, awakeable } = await env.sendAndAwaitReviewer("OpenAIClaimApprovalAgent/run", {
      message: bigClaim.prompt,
    });
    await env.restate.resolveAwakeable(awakeable, true);
    expect(await env.restate.attach(id)).toMatch(/approved after human review/);
    expect(
      await env.restate.call("OpenAIClaimApprovalAgent/run", {
        message: bigClaim.prompt,
        timeoutMs: 300,
      }),
    ).toMatch(/rejected after human review: Approval timed out/);
  });

  it("OpenAIChat keeps a session per key", async () => {
    await env.restate.call("OpenAIChat/ada/message", "Hi, my name is Ada");
    expect(await env.restate.call("OpenAIChat/ada/message", "What is my name?")).toMatch(
      /message 2/,
    );
    await env.restate.call("OpenAIChat/bea/message", "Hi");
    expect(await env.restate.call<unknown[]>("OpenAIChat/ada/getHistory", null)).toHaveLength(4);
    expect(await env.restate.call<unknown[]>("OpenAIChat/bea/getHistory", null)).toHaveLength(2);
  });

  it("OpenAIMultiAgent hands off to the right specialist", async () => {
    expect(
      await env.restate.call("OpenAIMultiAgent/run", "I was charged twice for my last order"),
    ).toEqual({
      agent: "Billing",
      answer: expect.stringMatching(/^Billing:/),
    });
    expect(await env.restate.call("OpenAIMultiAgent/run", "I cannot log in to my account")).toEqual(
      {
        agent: "Account",
        answer: expect.stringMatching(/^Account:/),
      },
    );
  });

  it("OpenAIParallelTools runs three durable steps in one tool", async () => {
    const id = await env.restate.send("OpenAIParallelTools/run", claim);
    expect(await env.restate.attach(id)).toContain("within standard rates");
    expect(runs(await env.restate.journal(id))).toEqual(
      expect.arrayContaining(["eligibility", "cost", "fraud"]),
    );
  });

  it("OpenAIRefundAgent resolves needsApproval through an awakeable", async () => {
    const { id, awakeable } = await env.sendAndAwaitReviewer(
      "OpenAIRefundAgent/run",
      "Refund 120 EUR to order 42",
    );
    await env.restate.resolveAwakeable(awakeable, true);
    expect(await env.restate.attach(id)).toContain("refunded 120");
  });

  it("OpenAIStreamingAgent streams and journals the streamed turns", async () => {
    const id = await env.restate.send("OpenAIStreamingAgent/run", "What is the weather in Paris?");
    expect(await env.restate.attach(id)).toMatch(/The weather in Paris/);
    expect(runs(await env.restate.journal(id))).toEqual([
      "stream gpt-4o",
      "get weather",
      "stream gpt-4o",
    ]);
  });
});
