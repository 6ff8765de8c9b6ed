import { APICallError, type LanguageModelV4GenerateResult } from "@ai-sdk/provider";
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
import type { DurableCallsOptions } from "./call-settings.js";
import { durableCalls } from "./durable-calls.js";

/** Fails the first attempt of every invocation after its first model call, forcing a replay. */
let failFirstAttempt = true;
let model: MockLanguageModelV4;
let seen: { attempt: number; result: LanguageModelV4GenerateResult }[];

const attempts = new Map<string, number>();

function weatherAgent(ctx: restate.Context, options: DurableCallsOptions = {}) {
  const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
  attempts.set(ctx.request().id, attempt);
  return async (prompt: string) => {
    const wrapped = wrapLanguageModel({
      model,
      middleware: [
        {
          specificationVersion: "v4",
          wrapGenerate: async ({ doGenerate }) => {
            const result = await doGenerate();
            seen.push({ attempt, result });
            return result;
          },
        },
        durableCalls(ctx, { maxRetryAttempts: 3, ...options }),
      ],
    });
    const { text } = await generateText({
      model: wrapped,
      prompt,
      maxRetries: 0,
      stopWhen: stepCountIs(5),
      tools: {
        getWeather: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) =>
            ctx.run("get weather", () => {
              if (failFirstAttempt && attempt === 1) throw new Error("weather API hiccup");
              return `sunny in ${city}`;
            }),
        }),
      },
    });
    return text;
  };
}

let handlerAttempts = 0;
const agent = restate.service({
  name: "generateAgent",
  handlers: {
    run: async (ctx: restate.Context, prompt: string) => {
      handlerAttempts++;
      return weatherAgent(ctx)(prompt);
    },
    runWithBodies: async (ctx: restate.Context, prompt: string) =>
      weatherAgent(ctx, { journalBodies: true })(prompt),
    runWithHeaders: async (ctx: restate.Context, prompt: string) =>
      weatherAgent(ctx, { journalResponseHeaders: true })(prompt),
    runDescriptive: async (ctx: restate.Context, prompt: string) =>
      weatherAgent(ctx, { entryNames: "descriptive" })(prompt),
    sdkRetries: async (ctx: restate.Context, prompt: string) => {
      const { text } = await generateText({
        model: wrapLanguageModel({
          model,
          middleware: durableCalls(ctx, { maxRetryAttempts: 3, initialRetryInterval: 10 }),
        }),
        prompt,
        // the AI SDK's default, maxRetries: 2, left in place
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

const raw = {
  request: { body: { messages: ["a very large request body"] } },
  response: {
    headers: { "x-request-id": "abc", "set-cookie": "session=cookie-secret" },
    body: { raw: "a very large response body" },
  },
};

beforeEach(() => {
  failFirstAttempt = true;
  handlerAttempts = 0;
  seen = [];
  model = new MockLanguageModelV4({
    doGenerate: [
      toolCallResult([{ name: "getWeather", input: { city: "Detroit" } }], raw),
      textResult("It is sunny in Detroit.", raw),
    ],
  });
});

describe("durableCalls: generate", () => {
  it("answers a replayed step from the journal instead of calling the model", async () => {
    const text = await env.restate.call("generateAgent/run", "Weather in Detroit?");
    expect(text).toBe("It is sunny in Detroit.");
    expect(handlerAttempts).toBe(2);
    expect(model.doGenerateCalls).toHaveLength(2);
  });

  it("journals each call under the reference package's name", async () => {
    const id = await env.restate.send("generateAgent/run", "Weather in Detroit?");
    await env.restate.attach(id);
    const runs = (await env.restate.journal(id)).filter((e) => e.entry_type === "Command: Run");
    expect(runs.map((e) => e.name)).toEqual([
      "calling mock-provider",
      "get weather",
      "calling mock-provider",
    ]);
  });

  it("journals under the 0.1 release's names with entryNames: descriptive", async () => {
    const id = await env.restate.send("generateAgent/runDescriptive", "Weather in Detroit?");
    expect(await env.restate.attach(id)).toBe("It is sunny in Detroit.");
    const runs = (await env.restate.journal(id)).filter((e) => e.entry_type === "Command: Run");
    expect(runs.map((e) => e.name)).toEqual([
      "generate mock-provider/mock-model-id",
      "get weather",
      "generate mock-provider/mock-model-id",
    ]);
  });

  it("replays types that plain JSON would lose (Date, a 1 MiB Uint8Array in ≤ 1.4 MiB)", async () => {
    const png = new Uint8Array(2 ** 20).map((_, i) => (i * 37) % 256);
    model = new MockLanguageModelV4({
      doGenerate: [
        toolCallResult([{ name: "getWeather", input: { city: "Detroit" } }], {
          content: [
            { type: "file", mediaType: "image/png", data: { type: "data", data: png } },
            {
              type: "tool-call",
              toolCallId: "call-0",
              toolName: "getWeather",
              input: '{"city":"Detroit"}',
            },
          ],
          response: { id: "resp-1", timestamp: new Date(Date.UTC(2026, 0, 2)), modelId: "m" },
        }),
        textResult("done"),
      ],
    });
    const id = await env.restate.send("generateAgent/run", "Weather?");
    await env.restate.attach(id);
    const [largest] = await env.restate.query<{ bytes: number }>(
      `SELECT max(raw_length) AS bytes FROM sys_journal WHERE id = '${id}'`,
    );
    expect(Number(largest?.bytes)).toBeGreaterThan(2 ** 20);
    expect(Number(largest?.bytes)).toBeLessThanOrEqual(1.4 * 2 ** 20);
    const replayed = seen.find((s) => s.attempt === 2)?.result;
    expect(replayed?.response?.timestamp).toBeInstanceOf(Date);
    expect(replayed?.response?.timestamp?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
    const [file] = replayed?.content ?? [];
    expect(file).toEqual({
      type: "file",
      mediaType: "image/png",
      data: { type: "data", data: png },
    });
    expect(file?.type === "file" && file.data.type === "data" && file.data.data).toBeInstanceOf(
      Uint8Array,
    );
  });

  it("fixes a missing response id and timestamp inside the journaled step", async () => {
    await env.restate.call("generateAgent/run", "Weather?");
    const first = seen.filter((s) => s.attempt === 1)[0]?.result.response;
    const replay = seen.filter((s) => s.attempt === 2)[0]?.result.response;
    expect(first?.id).toEqual(expect.any(String));
    expect(first?.timestamp).toBeInstanceOf(Date);
    expect(replay?.id).toBe(first?.id);
    expect(replay?.timestamp?.getTime()).toBe(first?.timestamp?.getTime());
  });

  it("leaves raw request and response bodies out of the journal by default", async () => {
    const id = await env.restate.send("generateAgent/run", "Weather?");
    await env.restate.attach(id);
    const [firstCall] = (await env.restate.journal(id)).filter((e) =>
      e.name.startsWith("calling "),
    );
    expect(firstCall?.result).toContain("getWeather");
    expect(firstCall?.result).not.toContain("x-request-id");
    expect(firstCall?.result).not.toContain("very large");
    expect(seen[0]?.result.request?.body).toBeUndefined();
    expect(seen[0]?.result.response?.body).toBeUndefined();
    // what is not journaled is not seen live either, so no code can depend on it
    expect(seen[0]?.result.response?.headers).toBeUndefined();
  });

  it("keeps the bodies when asked to", async () => {
    const id = await env.restate.send("generateAgent/runWithBodies", "Weather?");
    await env.restate.attach(id);
    const [firstCall] = (await env.restate.journal(id)).filter((e) =>
      e.name.startsWith("calling "),
    );
    expect(firstCall?.result).toContain("a very large request body");
    expect(firstCall?.result).toContain("a very large response body");
  });

  it("journals only allow-listed response headers (request ids, rate limits) when asked to", async () => {
    const id = await env.restate.send("generateAgent/runWithHeaders", "Weather?");
    await env.restate.attach(id);
    const calls = (await env.restate.journal(id)).filter((e) => e.name.startsWith("calling "));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((call) => call.result?.includes("x-request-id"))).toBe(true);
    expect(calls.some((call) => call.result?.includes("cookie-secret"))).toBe(false);
    const replayed = seen.find((s) => s.attempt === 2)?.result;
    expect(replayed?.response?.headers).toEqual({ "x-request-id": "abc" });
    expect(replayed?.response?.timestamp).toBeInstanceOf(Date);
  });

  it("journals no response headers with the raw bodies unless asked to", async () => {
    const id = await env.restate.send("generateAgent/runWithBodies", "Weather?");
    await env.restate.attach(id);
    const calls = (await env.restate.journal(id)).filter((e) => e.name.startsWith("calling "));
    expect(calls.some((call) => call.result?.includes("x-request-id"))).toBe(false);
  });

  it("never lets the AI SDK's own retries multiply the journaled attempts", async () => {
    model = new MockLanguageModelV4({
      doGenerate: async () => {
        throw new APICallError({
          message: "The server had an error",
          url: "https://api.example.com",
          requestBodyValues: {},
          statusCode: 500,
        });
      },
    });
    await expect(env.restate.call("generateAgent/sdkRetries", "hi")).rejects.toThrow(
      /The server had an error/,
    );
    expect(model.doGenerateCalls).toHaveLength(3);
  });

  it("rejects with the CancelledError when the invocation is cancelled during a model call", async () => {
    const inFlight = Promise.withResolvers<void>();
    model = new MockLanguageModelV4({
      doGenerate: async () => {
        await inFlight.promise;
        return textResult("too late");
      },
    });
    const id = await env.restate.send("generateAgent/sdkRetries", "hi");
    await expect.poll(() => model.doGenerateCalls.length).toBe(1);
    await env.restate.cancel(id);
    await expect(env.restate.attach(id)).rejects.toThrow(/409.*Cancelled/);
    inFlight.resolve();
    expect(model.doGenerateCalls).toHaveLength(1);
  });
});
