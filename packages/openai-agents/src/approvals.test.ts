import { Agent, tool } from "@openai/agents";
import {
  assistantMessage,
  functionCall,
  modelResponse,
  ScriptedModel,
} from "@openai/agents-core/testing";
import type { ApprovalRequest } from "@restate-ai/core";
import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { DurableRunner } from "./durable-runner.js";

const requests: ApprovalRequest[] = [];
const refunded: number[] = [];
const model = new ScriptedModel([
  modelResponse([
    functionCall("refund", { amount: 10 }, { callId: "call-a" }),
    functionCall("refund", { amount: 20 }, { callId: "call-b" }),
  ]),
  modelResponse([assistantMessage("refunds handled")]),
]);

const refund = tool({
  name: "refund",
  description: "Refund the customer.",
  parameters: z.object({ amount: z.number() }),
  needsApproval: true,
  execute: async ({ amount }) => {
    refunded.push(amount);
    return `refunded ${amount}`;
  },
});

const service = restate.service({
  name: "approvals",
  handlers: {
    run: async (ctx: restate.Context) => {
      const agent = new Agent({ name: "Refunds", instructions: "test", model, tools: [refund] });
      const runner = new DurableRunner(ctx, {
        approvals: { onRequest: (request) => void requests.push(request) },
      });
      return (await runner.run(agent, "refund both")).finalOutput;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([service]);
});
afterAll(() => env.stop());

describe("approvals", () => {
  it("asks about every interruption at once, then applies each answer", async () => {
    const id = await env.restate.send("approvals/run", null);
    await expect.poll(() => requests.length).toBe(2);
    const byCall = new Map(requests.map((r) => [r.toolCallId, r]));
    expect(byCall.get("call-a")?.input).toEqual({ amount: 10 });
    expect(byCall.get("call-b")?.input).toEqual({ amount: 20 });
    await env.restate.resolveAwakeable(String(byCall.get("call-b")?.awakeableId), {
      approved: false,
      reason: "too much",
    });
    await env.restate.resolveAwakeable(String(byCall.get("call-a")?.awakeableId), true);
    expect(await env.restate.attach(id)).toBe("refunds handled");
    expect(refunded).toEqual([10]);
    expect(JSON.stringify(model.calls[1]?.request.input)).toContain("too much");
    // both requests were journaled before either answer, in the model's order
    const runs = (await env.restate.journal(id)).filter((e) =>
      e.name.startsWith("request approval"),
    );
    expect(runs.map((e) => e.name)).toEqual([
      "request approval refund call-a",
      "request approval refund call-b",
    ]);
  });
});
