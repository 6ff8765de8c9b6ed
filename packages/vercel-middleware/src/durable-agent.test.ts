import {
  type RestateTestEnvironment,
  startRestateWith,
  streamOf,
  textParts,
  textResult,
  toolCallParts,
  toolCallResult,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { stepCountIs, tool } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DurableAgent } from "./durable-agent.js";

let model: MockLanguageModelV4;
let effects: string[];
let approvals: string[];
const attempts = new Map<string, number>();

/** Whether this is the first attempt of the invocation (counted once per tool call). */
function failFirstAttempt(ctx: restate.Context) {
  const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
  attempts.set(ctx.request().id, attempt);
  return attempt === 1;
}

const weatherAgent = new DurableAgent({
  id: "weather",
  // the mock is replaced per test; the agent reads it when a handler runs
  model: new Proxy({} as MockLanguageModelV4, {
    get: (_target, property) => Reflect.get(model, property, model),
  }),
  instructions: "You are a helpful agent that provides weather updates.",
  tools: (ctx) => ({
    getWeather: tool({
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        const fail = failFirstAttempt(ctx);
        return ctx.run(`get weather ${city}`, () => {
          // the first attempt dies here, so the agent resumes through a replay
          if (fail) throw new Error("weather API hiccup");
          effects.push(city);
          return `sunny in ${city}`;
        });
      },
    }),
    refund: tool({
      inputSchema: z.object({ amount: z.number() }),
      execute: ({ amount }) => ctx.run("refund", () => `refunded ${amount}`),
    }),
  }),
  approval: {
    tools: ["refund"],
    onRequest: ({ awakeableId }) => {
      if (awakeableId !== undefined) approvals.push(awakeableId);
    },
  },
  stopWhen: stepCountIs(5),
});

const weatherService = weatherAgent.service("weatherAgent");

const handlers = restate.service({
  name: "durableAgentTest",
  handlers: {
    generate: async (ctx: restate.Context, prompt: string) => {
      const { text, steps } = await weatherAgent.generate(ctx, { prompt });
      return { text, steps: steps.length };
    },
    stream: async (ctx: restate.Context, prompt: string) => {
      const result = await weatherAgent.stream(ctx, { prompt });
      let streamed = "";
      for await (const delta of result.textStream) streamed += delta;
      return { text: await result.text, streamed };
    },
    inParallel: async (ctx: restate.Context, cities: string[]) =>
      restate.RestatePromise.all(
        cities.map((city) =>
          ctx.serviceClient(weatherService).generate({ prompt: `Weather in ${city}?` }),
        ),
      ),
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([handlers, weatherService], { inactivityTimeout: "1s" });
});
afterAll(() => env.stop());

beforeEach(() => {
  effects = [];
  approvals = [];
  model = new MockLanguageModelV4({
    doGenerate: [
      toolCallResult([{ name: "getWeather", input: { city: "Paris" } }]),
      textResult("It is sunny in Paris."),
    ],
    doStream: [
      streamOf(toolCallParts([{ name: "getWeather", input: { city: "Paris" } }])),
      streamOf(textParts("It is sunny in Paris.")),
    ],
  });
});

describe("DurableAgent", () => {
  it("generate: journals every model call, so a replay calls the model no more", async () => {
    const id = await env.restate.send("durableAgentTest/generate", "Weather in Paris?");
    expect(await env.restate.attach(id)).toEqual({ text: "It is sunny in Paris.", steps: 2 });
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(effects).toEqual(["Paris"]);
    const names = (await env.restate.journal(id))
      .filter((entry) => entry.entry_type === "Command: Run")
      .map((entry) => entry.name);
    expect(names).toEqual(["calling mock-provider", "get weather Paris", "calling mock-provider"]);
    expect(model.doGenerateCalls[0]?.prompt[0]).toMatchObject({ role: "system" });
  });

  it("stream: the same, with the text streamed live", async () => {
    const result = await env.restate.call("durableAgentTest/stream", "Weather in Paris?");
    expect(result).toEqual({ text: "It is sunny in Paris.", streamed: "It is sunny in Paris." });
    expect(model.doStreamCalls).toHaveLength(2);
    expect(effects).toEqual(["Paris"]);
  });

  it("approval: the tool waits, suspended, for the reviewer; then runs", async () => {
    model = new MockLanguageModelV4({
      doGenerate: [
        toolCallResult([{ name: "refund", input: { amount: 10 } }]),
        textResult("Refund done."),
      ],
    });
    const id = await env.restate.send("durableAgentTest/generate", "Refund 10");
    await env.restate.waitFor(id, (row) => row.status === "suspended");
    expect(approvals).toHaveLength(1);
    await env.restate.resolveAwakeable(String(approvals[0]), true);
    expect(await env.restate.attach(id)).toEqual({ text: "Refund done.", steps: 2 });
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain("refunded 10");
  });

  it("service(): agents run in parallel as invocations of their own", async () => {
    model = new MockLanguageModelV4({
      doGenerate: (options) => {
        const asked = JSON.stringify(options.prompt);
        const city = /Weather in (\w+)/.exec(asked)?.[1] ?? "?";
        return Promise.resolve(
          asked.includes("sunny in")
            ? textResult(`It is sunny in ${city}.`)
            : toolCallResult([{ name: "getWeather", input: { city } }]),
        );
      },
    });
    const result = await env.restate.call("durableAgentTest/inParallel", ["Oslo", "Rome", "Lima"]);
    expect(result).toEqual([
      "It is sunny in Oslo.",
      "It is sunny in Rome.",
      "It is sunny in Lima.",
    ]);
    expect(effects.sort()).toEqual(["Lima", "Oslo", "Rome"]);
    expect(model.doGenerateCalls).toHaveLength(6);
    const subInvocations = await env.restate.invocations("target = 'weatherAgent/generate'");
    expect(subInvocations).toHaveLength(3);
  });

  it("refuses a model id string", () => {
    expect(
      () => new DurableAgent({ model: "openai/gpt-4o" as unknown as MockLanguageModelV4 }),
    ).toThrow(/language model object/);
  });
});
