import {
  type RestateTestEnvironment,
  startRestateWith,
  textResult,
  toolCallResult,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, tool, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { durableCalls } from "./durable-calls.js";
import { durableTools } from "./durable-tools.js";
import { durableApproval } from "./tool-approval.js";

let model: MockLanguageModelV4;
let requested: { awakeableId?: string; toolName: string }[];
let executed: string[];

const agent = restate.service({
  name: "approvingAgent",
  handlers: {
    run: async (ctx: restate.Context) => {
      const act = (name: string) =>
        tool({
          inputSchema: z.object({ amount: z.number() }),
          execute: async ({ amount }) => {
            executed.push(`${name} ${amount}`);
            return `${name} done`;
          },
        });
      const { text } = await generateText({
        model: wrapLanguageModel({ model, middleware: durableCalls(ctx) }),
        prompt: "go",
        tools: durableTools(ctx, { refund: act("refund"), lookup: act("lookup") }),
        toolApproval: durableApproval(ctx, {
          tools: ["refund"],
          onRequest: (request) => {
            requested.push(request);
          },
        }),
        stopWhen: stepCountIs(3),
      });
      return text;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([agent]);
});
afterAll(() => env.stop());
beforeEach(() => {
  requested = [];
  executed = [];
  model = new MockLanguageModelV4({
    doGenerate: [
      toolCallResult([
        { name: "lookup", input: { amount: 1 } },
        { name: "refund", input: { amount: 10 } },
      ]),
      textResult("finished"),
    ],
  });
});

async function runAnswering(answer: unknown) {
  const id = await env.restate.send("approvingAgent/run", null);
  await expect.poll(() => requested.length).toBe(1);
  await env.restate.resolveAwakeable(String(requested[0]?.awakeableId), answer);
  expect(await env.restate.attach(id)).toBe("finished");
  return JSON.stringify(model.doGenerateCalls[1]?.prompt);
}

describe("durableApproval", () => {
  it("asks only about the listed tools, and runs an approved call", async () => {
    const prompt = await runAnswering(true);
    expect(requested.map((r) => r.toolName)).toEqual(["refund"]);
    expect(executed).toEqual(["lookup 1", "refund 10"]);
    expect(prompt).toContain("refund done");
  });

  it("skips a denied call and shows the reviewer's reason to the model", async () => {
    const prompt = await runAnswering({ approved: false, reason: "over the limit" });
    expect(executed).toEqual(["lookup 1"]);
    expect(prompt).toContain("execution-denied");
    expect(prompt).toContain("over the limit");
  });

  it("lets a cancellation during the wait end the agent", async () => {
    const id = await env.restate.send("approvingAgent/run", null);
    await expect.poll(() => requested.length).toBe(1);
    await env.restate.cancel(id);
    await expect(env.restate.attach(id)).rejects.toThrow(/409.*Cancelled/);
    // generateText settles every approval of a step before running its tools
    expect(executed).toEqual([]);
    expect(model.doGenerateCalls).toHaveLength(1);
  });
});
