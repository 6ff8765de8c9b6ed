import { setTimeout as sleep } from "node:timers/promises";
import {
  type RestateTestEnvironment,
  startRestateWith,
  streamOf,
  textResult,
  toolCallParts,
  toolCallResult,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { generateText, stepCountIs, streamText, type ToolSet, tool, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { durableCalls } from "./durable-calls.js";
import { durableTools } from "./durable-tools.js";

let model: MockLanguageModelV4;
let events: string[];
let awakeables: string[];

const threeCalls = (name: string) =>
  toolCallResult(["A", "B", "C"].map((key, i) => ({ name, input: { key }, id: `call-${i}` })));

function agentTools(ctx: restate.Context): ToolSet {
  return {
    lookup: tool({
      inputSchema: z.object({ key: z.string() }),
      execute: async ({ key }) => {
        events.push(`start ${key}`);
        await sleep(key === "A" ? 40 : key === "B" ? 1 : 15);
        const value = await ctx.run(`lookup ${key}`, () => `value ${key}`);
        events.push(`end ${key}`);
        return value;
      },
    }),
    wait: tool({
      inputSchema: z.object({ key: z.string() }),
      execute: async ({ key }) => {
        events.push(`start ${key}`);
        const approval = ctx.awakeable<string>();
        awakeables.push(approval.id);
        return approval.promise;
      },
    }),
    suspendSignal: tool({
      inputSchema: z.object({ key: z.string() }),
      execute: async (): Promise<string> => {
        throw new restate.RestateError("Suspended invocation", { errorCode: 599 });
      },
    }),
    total: tool({
      inputSchema: z.object({ key: z.string() }),
      execute: async () => ({ order: { total: 10n } }),
    }),
    decline: tool({
      inputSchema: z.object({ key: z.string() }),
      execute: async (): Promise<string> => {
        throw new restate.TerminalError("declined for good");
      },
    }),
    progress: tool({
      inputSchema: z.object({ key: z.string() }),
      execute: async function* ({ key }) {
        yield `working on ${key}`;
        yield await ctx.run(`progress ${key}`, () => `done ${key}`);
      },
      toModelOutput: ({ output }) => ({ type: "text", value: `[${output}]` }),
    }),
    subAgent: tool({
      inputSchema: z.object({ key: z.string() }),
      execute: async ({ key }) => {
        const inner = await generateText({
          model: wrapLanguageModel({
            model: new MockLanguageModelV4({
              doGenerate: [
                toolCallResult([
                  { name: "lookup", input: { key: `${key}1` }, id: "inner-0" },
                  { name: "lookup", input: { key: `${key}2` }, id: "inner-1" },
                ]),
                textResult(`inner done ${key}`),
              ],
            }),
            middleware: durableCalls(ctx),
          }),
          prompt: "inner",
          tools: durableTools(ctx, { lookup: agentTools(ctx).lookup as ToolSet[string] }),
          stopWhen: stepCountIs(3),
        });
        return inner.text;
      },
    }),
  };
}

type Mode = { stream?: boolean; steps?: number };

const agent = restate.service({
  name: "toolAgent",
  handlers: {
    run: async (ctx: restate.Context, mode: Mode) => {
      const options = {
        model: wrapLanguageModel({ model, middleware: durableCalls(ctx) }),
        prompt: "go",
        tools: durableTools(ctx, agentTools(ctx)),
        stopWhen: stepCountIs(mode.steps ?? 5),
        onStepFinish: () => {
          events.push("step finished");
        },
      };
      try {
        if (mode.stream) return await streamText(options).text;
        return (await generateText(options)).text;
      } catch (error) {
        return `rejected with ${(error as Error).name} ${(error as restate.RestateError).code}`;
      }
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([agent]);
});
afterAll(() => env.stop());
beforeEach(() => {
  events = [];
  awakeables = [];
});

describe("durableTools", () => {
  it("runs the tool calls of a step one at a time, in the model's order", async () => {
    model = new MockLanguageModelV4({ doGenerate: [threeCalls("lookup"), textResult("done")] });
    const id = await env.restate.send("toolAgent/run", {});
    expect(await env.restate.attach(id)).toBe("done");
    expect(events.filter((e) => e !== "step finished")).toEqual([
      "start A",
      "end A",
      "start B",
      "end B",
      "start C",
      "end C",
    ]);
    const runs = (await env.restate.journal(id)).filter((e) => e.name.startsWith("lookup"));
    expect(runs.map((e) => e.name)).toEqual(["lookup A", "lookup B", "lookup C"]);
  });

  it.each([
    { stream: false, steps: 1 },
    { stream: false, steps: 5 },
    { stream: true, steps: 1 },
  ])(
    "ends the agent on cancellation, in that very step, before onStepFinish (%o)",
    async (mode) => {
      model = new MockLanguageModelV4({
        doGenerate: [threeCalls("wait"), textResult("never")],
        doStream: async () =>
          streamOf(toolCallParts(["A", "B"].map((key) => ({ name: "wait", input: { key } })))),
      });
      const id = await env.restate.send("toolAgent/run", mode);
      await expect.poll(() => awakeables.length).toBe(1);
      await env.restate.cancel(id);
      expect(await env.restate.attach(id)).toBe("rejected with CancelledError 409");
      expect(events).toEqual(["start A"]);
      expect(model.doGenerateCalls.length + model.doStreamCalls.length).toBe(1);
    },
  );

  it("never shows an attempt-ending signal (599) to the model", async () => {
    model = new MockLanguageModelV4({
      doGenerate: [
        toolCallResult([{ name: "suspendSignal", input: { key: "A" } }]),
        textResult("x"),
      ],
    });
    expect(await env.restate.call("toolAgent/run", {})).toBe("rejected with RestateError 599");
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("still shows TerminalErrors to the model, as the AI SDK does", async () => {
    model = new MockLanguageModelV4({
      doGenerate: [toolCallResult([{ name: "decline", input: { key: "A" } }]), textResult("sorry")],
    });
    expect(await env.restate.call("toolAgent/run", {})).toBe("sorry");
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain("declined for good");
  });

  it("fails with a TerminalError naming the tool when its result cannot reach the model", async () => {
    model = new MockLanguageModelV4({
      doGenerate: [toolCallResult([{ name: "total", input: { key: "A" } }]), textResult("x")],
    });
    expect(await env.restate.call("toolAgent/run", {})).toBe("rejected with TerminalError 500");
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  it("keeps streaming tools' preliminary results and their own toModelOutput", async () => {
    model = new MockLanguageModelV4({
      doGenerate: [toolCallResult([{ name: "progress", input: { key: "A" } }]), textResult("ok")],
    });
    expect(await env.restate.call("toolAgent/run", {})).toBe("ok");
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain('"value":"[done A]"');
  });

  it("serialises the tools of a sub-agent inside a tool without deadlocking", async () => {
    model = new MockLanguageModelV4({
      doGenerate: [
        toolCallResult([
          { name: "subAgent", input: { key: "X" }, id: "outer-0" },
          { name: "subAgent", input: { key: "Y" }, id: "outer-1" },
        ]),
        textResult("all done"),
      ],
    });
    const id = await env.restate.send("toolAgent/run", {});
    expect(await env.restate.attach(id)).toBe("all done");
    const runs = (await env.restate.journal(id)).filter((e) => e.name.startsWith("lookup"));
    expect(runs.map((e) => e.name)).toEqual(["lookup X1", "lookup X2", "lookup Y1", "lookup Y2"]);
  });
});
