import { createServer, type Server } from "node:http";
import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import {
  type RestateTestEnvironment,
  startRestateWith,
  streamOf,
  textResult,
  usage,
} from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { generateText, streamText, wrapLanguageModel } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { durableCalls } from "./durable-calls.js";

/** A signed URL's server: it answers a file once, then 403 (the signature expired). */
let files: Server;
let baseUrl = "";
let downloads: string[];
const png = new Uint8Array(64 * 1024).map((_, i) => i % 251);

const attempts = new Map<string, number>();
const firstAttempt = (ctx: restate.Context) => {
  const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
  attempts.set(ctx.request().id, attempt);
  return attempt === 1;
};

let model: MockLanguageModelV4;
const fileAt = (path: string) => ({
  type: "file" as const,
  mediaType: "image/png",
  data: { type: "url" as const, url: new URL(`${baseUrl}${path}`) },
});

const agent = restate.service({
  name: "fileAgent",
  handlers: {
    run: async (ctx: restate.Context, { stream }: { stream: boolean }) => {
      const first = firstAttempt(ctx);
      const settings = {
        model: wrapLanguageModel({
          model,
          middleware: durableCalls(ctx, { maxRetryAttempts: 3, maxJournalEntryBytes: 200_000 }),
        }),
        prompt: "Draw a cat.",
        maxRetries: 0,
      };
      const files = stream
        ? await streamText(settings).files
        : (await generateText(settings)).files;
      const bytes = files.map((file) => file.uint8Array.length);
      await ctx.run("after the model", () => {
        if (first) throw new Error("force a replay");
      });
      return bytes;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  files = createServer((req, res) => {
    downloads.push(String(req.url));
    if (req.url === "/missing.png") return res.writeHead(404).end();
    if (req.url === "/huge.png") return res.writeHead(200).end(Buffer.alloc(300_000));
    if (downloads.filter((url) => url === req.url).length > 1) return res.writeHead(403).end();
    res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from(png));
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  const address = files.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  baseUrl = `http://127.0.0.1:${address.port}`;
  env = await startRestateWith([agent]);
});
afterAll(async () => {
  await env.stop();
  files.close();
});
beforeEach(() => {
  downloads = [];
});

function modelReturning(path: string) {
  const file = fileAt(path);
  const parts: LanguageModelV4StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: "resp-1", modelId: "mock", timestamp: new Date(0) },
    file,
    { type: "finish", usage, finishReason: { unified: "stop", raw: "stop" } },
  ];
  model = new MockLanguageModelV4({
    doGenerate: async () => ({ ...textResult(""), content: [file] }),
    doStream: async () => streamOf(parts),
  });
}

describe("files returned by URL", () => {
  it.each([false, true])(
    "are downloaded once, inside the journaled step; a replay needs no download (stream: %s)",
    async (stream) => {
      modelReturning(`/cat-${stream}.png`);
      expect(await env.restate.call("fileAgent/run", { stream })).toEqual([png.length]);
      expect(downloads).toEqual([`/cat-${stream}.png`]);
      expect(stream ? model.doStreamCalls : model.doGenerateCalls).toHaveLength(1);
    },
  );

  it("fail the step with a TerminalError when the file is larger than maxJournalEntryBytes", async () => {
    modelReturning("/huge.png");
    await expect(env.restate.call("fileAgent/run", { stream: false })).rejects.toThrow(
      /more than maxJournalEntryBytes \(200000 bytes\)/,
    );
    expect(downloads).toEqual(["/huge.png"]);
  });

  it("fail the step with a TerminalError when the URL answers 404", async () => {
    modelReturning("/missing.png");
    await expect(env.restate.call("fileAgent/run", { stream: false })).rejects.toThrow(
      /download failed with HTTP 404/,
    );
    expect(downloads).toEqual(["/missing.png"]);
    expect(model.doGenerateCalls).toHaveLength(1);
  });
});
