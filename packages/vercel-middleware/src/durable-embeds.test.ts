import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { embedMany, wrapEmbeddingModel } from "ai";
import { MockEmbeddingModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { durableEmbeds } from "./durable-embeds.js";

let model: MockEmbeddingModelV4;
const attempts = new Map<string, number>();

const embedder = restate.service({
  name: "embedder",
  handlers: {
    embed: async (ctx: restate.Context, values: string[]) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      const { embeddings } = await embedMany({
        model: wrapEmbeddingModel({ model, middleware: durableEmbeds(ctx) }),
        values,
        maxRetries: 0,
      });
      // A failure after the embeddings forces a replay of the whole handler.
      await ctx.run("index", () => {
        if (attempt === 1) throw new Error("vector store unavailable");
      });
      return embeddings;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([embedder]);
});
afterAll(() => env.stop());

beforeEach(() => {
  model = new MockEmbeddingModelV4({
    maxEmbeddingsPerCall: 2,
    supportsParallelCalls: true,
    doEmbed: async ({ values }) => ({
      embeddings: values.map((value) => [value.length, value.charCodeAt(0)]),
      response: { headers: { "x-id": "1" }, body: { raw: "a very large body" } },
      warnings: [],
    }),
  });
});

describe("durableEmbeds", () => {
  it("journals every doEmbed call so a replay embeds nothing again", async () => {
    const id = await env.restate.send("embedder/embed", ["a", "bb", "ccc", "dddd", "eeeee"]);
    const embeddings = await env.restate.attach(id);
    expect(embeddings).toEqual([
      [1, 97],
      [2, 98],
      [3, 99],
      [4, 100],
      [5, 101],
    ]);
    expect(model.doEmbedCalls).toHaveLength(3);
    const entries = (await env.restate.journal(id)).filter((e) => e.name.startsWith("embedding "));
    expect(entries.map((e) => e.name)).toEqual(Array(3).fill("embedding mock-provider"));
    expect(entries.every((e) => !e.result?.includes("very large"))).toBe(true);
  });
});
