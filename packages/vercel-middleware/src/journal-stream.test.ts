import { APICallError, type LanguageModelV4StreamPart } from "@ai-sdk/provider";
import {
  type RestateTestEnvironment,
  startRestateWith,
  streamOf,
  textParts,
  toolCallParts,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { stepCountIs, streamText, tool, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { durableCalls } from "./durable-calls.js";

let model: MockLanguageModelV4;
let failToolOnFirstAttempt: boolean;
let live: string[];
let toolSawJournaledStep: boolean[];
let metadataIds: { attempt: number; id: string | undefined }[];
const attempts = new Map<string, number>();

const agent = restate.service({
  name: "streamAgent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      const invocation = ctx.request().id;
      const attempt = (attempts.get(invocation) ?? 0) + 1;
      attempts.set(invocation, attempt);
      const result = streamText({
        model: wrapLanguageModel({
          model,
          middleware: [
            {
              specificationVersion: "v4",
              wrapStream: async ({ doStream }) => {
                const result = await doStream();
                const record = new TransformStream<
                  LanguageModelV4StreamPart,
                  LanguageModelV4StreamPart
                >({
                  transform(part, controller) {
                    if (part.type === "response-metadata")
                      metadataIds.push({ attempt, id: part.id });
                    controller.enqueue(part);
                  },
                });
                return { ...result, stream: result.stream.pipeThrough(record) };
              },
            },
            durableCalls(ctx, { maxRetryAttempts: 2, initialRetryInterval: 10 }),
          ],
        }),
        prompt,
        maxRetries: 0,
        stopWhen: stepCountIs(5),
        tools: {
          getWeather: tool({
            inputSchema: z.object({ city: z.string() }),
            execute: async ({ city }) => {
              const journal = await env.restate.journal(invocation);
              toolSawJournaledStep.push(
                journal.some((e) => e.name.startsWith("stream") && e.result !== undefined),
              );
              return ctx.run("get weather", () => {
                if (failToolOnFirstAttempt && attempt === 1) throw new Error("weather API hiccup");
                return `sunny in ${city}`;
              });
            },
          }),
        },
      });
      let streamed = "";
      for await (const delta of result.textStream) {
        live.push(delta);
        streamed += delta;
      }
      return streamed;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([agent]);
});
afterAll(() => env.stop());

const answer = "It is sunny in Detroit today.";
function twoStepModel(final: LanguageModelV4StreamPart[] = textParts(answer)) {
  return new MockLanguageModelV4({
    doStream: [
      streamOf(toolCallParts([{ name: "getWeather", input: { city: "Detroit" } }])),
      streamOf(final),
    ],
  });
}

beforeEach(() => {
  failToolOnFirstAttempt = true;
  live = [];
  toolSawJournaledStep = [];
  metadataIds = [];
  model = twoStepModel();
});

async function runToEnd(prompt = "Weather in Detroit?") {
  const id = await env.restate.send("streamAgent/run", prompt);
  const output = await env.restate.attach<string>(id).catch((error: Error) => error);
  return { id, output, journal: await env.restate.journal(id) };
}

describe("durableCalls: stream", () => {
  it("streams the text and never calls the model again for a journaled step", async () => {
    const { output, journal } = await runToEnd();
    expect(output).toBe(answer);
    expect(model.doStreamCalls).toHaveLength(2);
    expect(journal.filter((e) => e.entry_type === "Command: Run").map((e) => e.name)).toEqual([
      "stream mock-provider/mock-model-id",
      "get weather",
      "stream mock-provider/mock-model-id",
    ]);
  });

  it("delivers parts live, before the provider stream has ended", async () => {
    failToolOnFirstAttempt = false;
    const gate = Promise.withResolvers<void>();
    model = twoStepModel();
    model.doStream = async () =>
      streamOf(textParts(answer), { before: (i) => (i === 6 ? gate.promise : Promise.resolve()) });
    const id = await env.restate.send("streamAgent/run", "Weather?");
    await expect.poll(() => live.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const during = await env.restate.journal(id);
    expect(during.find((e) => e.name.startsWith("stream"))?.result).toBeUndefined();
    gate.resolve();
    expect(await env.restate.attach(id)).toBe(answer);
  });

  it("starts tools only after the step that called them is journaled", async () => {
    failToolOnFirstAttempt = false;
    await runToEnd();
    expect(toolSawJournaledStep).toEqual([true]);
  });

  it("merges deltas in the journal and replays the same text", async () => {
    const { output, journal } = await runToEnd();
    const final = journal.filter((e) => e.name.startsWith("stream"))[1];
    expect(output).toBe(answer);
    // one text block of one merged delta: journal format 2 writes it as one row
    expect(final?.result?.match(/\["t",/g)).toHaveLength(1);
    expect(final?.result).toContain(answer);
  });

  it("retries a provider error part instead of journaling it", async () => {
    failToolOnFirstAttempt = false;
    const erroring: LanguageModelV4StreamPart[] = [
      ...textParts("partial answer").slice(0, 4),
      { type: "error", error: { message: "overloaded" } },
    ];
    model = new MockLanguageModelV4({
      doStream: [
        streamOf(toolCallParts([{ name: "getWeather", input: { city: "Detroit" } }])),
        streamOf(erroring),
        streamOf(textParts(answer)),
      ],
    });
    const { output, journal } = await runToEnd();
    expect(output).toBe(answer);
    expect(model.doStreamCalls).toHaveLength(3);
    const streams = journal.filter((e) => e.name.startsWith("stream"));
    expect(streams).toHaveLength(2);
    expect(streams[1]?.result).not.toContain("partial");
  });

  it("retries a broken provider stream", async () => {
    failToolOnFirstAttempt = false;
    model = new MockLanguageModelV4({
      doStream: [streamOf(textParts(answer), { failAfter: 4 }), streamOf(textParts(answer))],
    });
    const { output } = await runToEnd();
    expect(output).toBe(answer);
    expect(model.doStreamCalls).toHaveLength(2);
  });

  it("fails the invocation with a TerminalError when the provider rejects the call for good", async () => {
    model = new MockLanguageModelV4({
      doStream: async () => {
        throw new APICallError({
          message: "Incorrect API key provided",
          url: "https://api.example.com",
          requestBodyValues: {},
          statusCode: 401,
        });
      },
    });
    const { output } = await runToEnd();
    expect(String(output)).toContain("Incorrect API key provided (HTTP 401)");
    expect(model.doStreamCalls).toHaveLength(1);
  });

  it("fails with the provider's message once retries are exhausted", async () => {
    model = new MockLanguageModelV4({
      doStream: async () => {
        throw new APICallError({
          message: "The server had an error",
          url: "https://api.example.com",
          requestBodyValues: {},
          statusCode: 500,
        });
      },
    });
    const { id, output } = await runToEnd();
    expect(String(output)).toMatch(/[\w.-]+\/[\w.-]+: The server had an error \(HTTP 500\)/);
    expect(model.doStreamCalls).toHaveLength(2);
    expect((await env.restate.invocation(id))?.completion_result).toBe("failure");
  });

  it("gives a step without response metadata the same id on every replay", async () => {
    const bare = (parts: LanguageModelV4StreamPart[]) =>
      parts.filter((part) => part.type !== "response-metadata");
    model = new MockLanguageModelV4({
      doStream: [
        streamOf(bare(toolCallParts([{ name: "getWeather", input: { city: "Detroit" } }]))),
        streamOf(bare(textParts(answer))),
      ],
    });
    await runToEnd();
    const [first, replayed, second] = metadataIds;
    expect(metadataIds).toHaveLength(3);
    expect(first).toEqual({ attempt: 1, id: expect.any(String) });
    expect(replayed).toEqual({ attempt: 2, id: first?.id });
    expect(second?.id).not.toBe(first?.id);
  });

  it("ends the stream with the CancelledError when the invocation is cancelled mid-stream", async () => {
    const gate = Promise.withResolvers<void>();
    model = new MockLanguageModelV4({
      doStream: async () =>
        streamOf(textParts(answer), {
          before: (i) => (i === 4 ? gate.promise : Promise.resolve()),
        }),
    });
    const id = await env.restate.send("streamAgent/run", "Weather?");
    await expect.poll(() => live.length).toBeGreaterThanOrEqual(1);
    await env.restate.cancel(id);
    await expect(env.restate.attach(id)).rejects.toThrow(/409.*Cancelled/);
    gate.resolve();
    expect(model.doStreamCalls).toHaveLength(1);
  });
});
