import { createOpenAI } from "@ai-sdk/openai";
import { embedMany, generateText, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { conversation } from "./conversation.ts";
import { FakeOpenAI } from "./fake-openai.ts";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await FakeOpenAI.start();
});
afterAll(() => fake.close());
beforeEach(() =>
  fake.reset(
    conversation({ toolCalls: [{ name: "getWeather", args: { city: "Detroit" } }] }, (request) => ({
      text: `It is ${request.toolOutputs[0]?.output} in Detroit.`,
    })),
  ),
);

const tools = {
  getWeather: tool({
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => `sunny (${city})`,
  }),
};

describe.each(["responses", "chat"] as const)("fake OpenAI over the %s API", (api) => {
  const model = () => {
    const openai = createOpenAI({ baseURL: fake.baseUrl, apiKey: "sk-test" });
    return api === "chat" ? openai.chat("gpt-4o") : openai.responses("gpt-4o");
  };

  it("scripts a two-step tool conversation with generateText", async () => {
    const result = await generateText({
      model: model(),
      prompt: "weather?",
      tools,
      stopWhen: stepCountIs(5),
      maxRetries: 0,
    });
    expect(result.text).toBe("It is sunny (Detroit) in Detroit.");
    expect(fake.requests.map((r) => [r.step, r.stream])).toEqual([
      [0, false],
      [1, false],
    ]);
    expect(fake.requests[1]?.toolOutputs).toHaveLength(1);
  });

  it("streams the same conversation with streamText", async () => {
    const result = streamText({
      model: model(),
      prompt: "weather?",
      tools,
      stopWhen: stepCountIs(5),
      maxRetries: 0,
    });
    let streamed = "";
    for await (const delta of result.textStream) streamed += delta;
    expect(streamed).toBe("It is sunny (Detroit) in Detroit.");
    expect(fake.requests.map((r) => [r.step, r.stream])).toEqual([
      [0, true],
      [1, true],
    ]);
  });

  it("answers HTTP errors with OpenAI's error body", async () => {
    fake.reset(() => ({ status: 401, message: "Incorrect API key" }));
    await expect(generateText({ model: model(), prompt: "x", maxRetries: 0 })).rejects.toThrow(
      /Incorrect API key/,
    );
    expect(fake.count((r) => r.status === 401)).toBe(1);
  });
});

it("embeds deterministically", async () => {
  const openai = createOpenAI({ baseURL: fake.baseUrl, apiKey: "sk-test" });
  const first = await embedMany({
    model: openai.embedding("text-embedding-3-small"),
    values: ["a", "b"],
  });
  const second = await embedMany({
    model: openai.embedding("text-embedding-3-small"),
    values: ["a"],
  });
  expect(first.embeddings[0]).toEqual(second.embeddings[0]);
  expect(first.embeddings[0]).not.toEqual(first.embeddings[1]);
  expect(fake.embeddingRequests).toHaveLength(2);
});
