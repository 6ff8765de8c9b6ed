import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ApprovalRequest, awaitApproval } from "./human-approval.js";

let requests: ApprovalRequest[];
const attempts = new Map<string, number>();
const subject = { toolCallId: "call_1", toolName: "refund", input: { amount: 10 } };

const approvals = restate.service({
  name: "approvals",
  handlers: {
    ask: async (ctx: restate.Context, options: { timeoutMs?: number; replay?: boolean }) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      const decision = await awaitApproval(ctx, subject, {
        onRequest: (request) => requests.push(request),
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      });
      await ctx.run("after", () => {
        if (options.replay && attempt === 1) throw new Error("force a replay");
      });
      return decision;
    },
  },
});

const approvalFlow = restate.workflow({
  name: "approvalFlow",
  handlers: {
    run: async (ctx: restate.WorkflowContext) =>
      awaitApproval(ctx, subject, {
        via: "workflow-promise",
        onRequest: (request) => requests.push(request),
      }),
    answer: async (
      ctx: restate.WorkflowSharedContext,
      answer: { name: string; value: unknown },
    ) => {
      await ctx.promise(answer.name).resolve(answer.value);
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([approvals, approvalFlow]);
});
afterAll(() => env.stop());
beforeEach(() => {
  requests = [];
});

async function ask(options: { timeoutMs?: number; replay?: boolean }, answer?: unknown) {
  const id = await env.restate.send("approvals/ask", options);
  await expect.poll(() => requests.length).toBe(1);
  const awakeableId = requests[0]?.awakeableId;
  expect(awakeableId).toEqual(expect.any(String));
  if (answer !== undefined) await env.restate.resolveAwakeable(String(awakeableId), answer);
  return env.restate.attach(id);
}

describe("awaitApproval", () => {
  it("hands the reviewer an awakeable and returns the answer", async () => {
    expect(await ask({}, true)).toEqual({ approved: true });
    expect(requests[0]).toMatchObject(subject);
  });

  it("accepts { approved, reason }", async () => {
    expect(await ask({}, { approved: false, reason: "too expensive" })).toEqual({
      approved: false,
      reason: "too expensive",
    });
  });

  it("asks the reviewer once, even when the invocation replays", async () => {
    expect(await ask({ replay: true }, { approved: true })).toEqual({ approved: true });
    expect(requests).toHaveLength(1);
  });

  it("denies with 'timed out' when nobody answers in time", async () => {
    expect(await ask({ timeoutMs: 300 })).toEqual({ approved: false, reason: "timed out" });
  });

  it("fails with a clear TerminalError on an answer it cannot read", async () => {
    const failure = await ask({}, { ok: "yes" }).catch((error: Error) => error.message);
    expect(failure).toContain("The approval of refund (call_1) was answered with");
    expect(failure).toContain("expected true, false or");
    expect(failure).toMatch(/^ingress answered 500/);
  });

  it("waits on a workflow's durable promise named after the tool call", async () => {
    const id = await env.restate.send("approvalFlow/wf-1/run", null);
    await expect.poll(() => requests.length).toBe(1);
    expect(requests[0]?.promiseName).toBe("approval-call_1");
    expect(requests[0]?.awakeableId).toBeUndefined();
    await env.restate.call("approvalFlow/wf-1/answer", { name: "approval-call_1", value: true });
    expect(await env.restate.attach(id)).toEqual({ approved: true });
  });
});
