import { Agent, type StreamEvent, Usage } from "@openai/agents";
import {
  assistantMessage,
  functionCall,
  modelError,
  modelResponse,
  modelStream,
  ScriptedModel,
} from "@openai/agents-core/testing";
import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { durableModel } from "./durable-model.js";
import { DurableRunner } from "./durable-runner.js";
import { durableTool } from "./durable-tool.js";

let model: ScriptedModel;
let journalProviderData = false;
let liveEvents: string[];
const attempts = new Map<string, number>();

const usage = new Usage({ requests: 1, inputTokens: 11, outputTokens: 7, totalTokens: 18 });
const toolStep = () =>
  modelResponse({
    output: [functionCall("flaky", { n: 1 }, { callId: "call-1" })],
    usage,
    responseId: "resp-1",
    providerData: { raw: "a very large raw response" },
  });

function agentFor(ctx: restate.Context) {
  const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
  attempts.set(ctx.request().id, attempt);
  const flaky = durableTool({
    name: "flaky",
    description: "Fails in the first attempt, forcing a replay.",
    parameters: z.object({ n: z.number() }),
    execute: async () =>
      ctx.run("flaky step", () => {
        if (attempt === 1) throw new Error("transient failure");
        return "tool done";
      }),
  });
  return new Agent({ name: "Scripted", instructions: "test", model, tools: [flaky] });
}

const agents = restate.service({
  name: "scriptedAgents",
  handlers: {
    generate: async (ctx: restate.Context) => {
      const result = await new DurableRunner(ctx, { journalProviderData }).run(agentFor(ctx), "go");
      const first = result.rawResponses[0];
      return {
        output: result.finalOutput,
        firstUsageIsUsage: first?.usage instanceof Usage,
        firstUsage: first?.usage.inputTokens,
        firstResponseId: first?.responseId,
      };
    },
    stream: async (ctx: restate.Context) => {
      const result = await new DurableRunner(ctx).run(agentFor(ctx), "go", { stream: true });
      let text = "";
      for await (const delta of result.toTextStream()) {
        liveEvents.push(delta);
        text += delta;
      }
      await result.completed;
      return text;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([agents]);
});
afterAll(() => env.stop());
beforeEach(() => {
  journalProviderData = false;
  liveEvents = [];
});

describe("durable model calls", () => {
  it("answers a replayed turn from the journal and rebuilds the Usage class", async () => {
    model = new ScriptedModel([toolStep(), modelResponse([assistantMessage("all done")])]);
    const result = await env.restate.call("scriptedAgents/generate", null);
    expect(result).toEqual({
      output: "all done",
      firstUsageIsUsage: true,
      firstUsage: 11,
      firstResponseId: "resp-1",
    });
    expect(model.calls).toHaveLength(2);
  });

  it("leaves providerData out of the journal unless asked for", async () => {
    for (const keep of [false, true]) {
      journalProviderData = keep;
      model = new ScriptedModel([toolStep(), modelResponse([assistantMessage("done")])]);
      const id = await env.restate.send("scriptedAgents/generate", null);
      await env.restate.attach(id);
      const first = (await env.restate.journal(id)).find((e) => e.name.startsWith("model"));
      expect(first?.name).toBe("model ScriptedModel");
      expect(first?.result).toContain("resp-1");
      expect(first?.result?.includes("a very large raw response")).toBe(keep);
    }
  });

  it("fails the run with a TerminalError at once when the provider rejects the call", async () => {
    const unauthorized = Object.assign(new Error("Incorrect API key provided"), {
      status: 401,
      headers: new Headers(),
    });
    model = new ScriptedModel([modelError(unauthorized)]);
    await expect(env.restate.call("scriptedAgents/generate", null)).rejects.toThrow(
      /ScriptedModel: Incorrect API key provided \(HTTP 401\)/,
    );
    expect(model.calls).toHaveLength(1);
  });

  it("streams live, journals the events once, and replays the same text", async () => {
    const gate = Promise.withResolvers<void>();
    async function* answer(): AsyncIterable<StreamEvent> {
      yield { type: "response_started" };
      yield { type: "output_text_delta", delta: "Hello ", itemId: "m1" };
      yield { type: "model", event: { raw: "provider event" } };
      await gate.promise;
      yield { type: "output_text_delta", delta: "world", itemId: "m1" };
      yield {
        type: "response_done",
        response: {
          id: "resp-2",
          usage: { requests: 1, inputTokens: 1, outputTokens: 2, totalTokens: 3 },
          output: [assistantMessage("Hello world", { id: "m1" })],
          providerData: { raw: "a very large raw response" },
        },
      };
    }
    const toolTurn: StreamEvent[] = [
      {
        type: "response_done",
        response: {
          id: "resp-1",
          usage: { requests: 1, inputTokens: 1, outputTokens: 1, totalTokens: 2 },
          output: [functionCall("flaky", { n: 1 }, { callId: "call-1" })],
        },
      },
    ];
    model = new ScriptedModel([modelStream(toolTurn), modelStream(answer())]);
    const id = await env.restate.send("scriptedAgents/stream", null);
    await expect.poll(() => liveEvents.length, { timeout: 10_000 }).toBe(1);
    const during = (await env.restate.journal(id)).filter((e) => e.name.startsWith("stream"));
    expect(during.map((e) => e.result !== undefined)).toEqual([true, false]);
    gate.resolve();
    expect(await env.restate.attach(id)).toBe("Hello world");
    expect(model.calls).toHaveLength(2);
    const final = (await env.restate.journal(id)).filter((e) => e.name.startsWith("stream"))[1];
    expect(final?.result).toContain('"delta":"Hello world"');
    expect(final?.result).not.toContain("provider event");
    expect(final?.result).not.toContain("a very large raw response");
  });
});

describe("durableModel", () => {
  it("passes calls through outside a durable run, and wraps a model once", async () => {
    const plain = new ScriptedModel([modelResponse([assistantMessage("plain")])]);
    const wrapped = durableModel(plain);
    expect(wrapped).toBe(plain);
    const getResponse = wrapped.getResponse;
    expect(durableModel(wrapped).getResponse).toBe(getResponse);
    const response = await wrapped.getResponse({
      input: "hi",
      modelSettings: {},
      tools: [],
      outputType: "text",
      handoffs: [],
      tracing: false,
    });
    expect(response.output).toEqual([assistantMessage("plain")]);
    expect(plain.calls).toHaveLength(1);
  });
});
