import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { durableStream } from "./durable-stream.js";

type Part = { kind: "delta" | "call" | "end" | "error" | "id" | "raw"; text: string };

let opened: number;
let source: (attempt: number) => Part[];
let gate: Promise<void> | undefined;
let consumed: { attempt: number; part: Part }[];
const attempts = new Map<string, number>();

async function* provider(parts: Part[]): AsyncIterable<Part> {
  for (const part of parts) {
    if (part.kind === "call" && gate !== undefined) await gate;
    yield part;
  }
}

const streams = restate.service({
  name: "streams",
  handlers: {
    run: async (ctx: restate.Context, failAfterwardsOnce: boolean) => {
      const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
      attempts.set(ctx.request().id, attempt);
      const { parts, meta } = durableStream<Part, { model: string }>(
        ctx,
        async () => {
          opened++;
          return { parts: provider(source(attempt)), meta: { model: `m${attempt}` } };
        },
        {
          name: "model call",
          runOptions: { maxRetryAttempts: 3, initialRetryInterval: 10 },
          holdFrom: (part) => part.kind === "call" || part.kind === "end",
          failOn: (part) => (part.kind === "error" ? new Error(part.text) : undefined),
          keep: (part) => part.kind !== "raw",
          merge: (previous, next) =>
            previous.kind === "delta" && next.kind === "delta"
              ? { kind: "delta", text: previous.text + next.text }
              : undefined,
          complete: (list, heldFrom) => [
            ...list.slice(0, heldFrom),
            { kind: "id", text: `id-${attempt}` },
            ...list.slice(heldFrom),
          ],
        },
      );
      const out: Part[] = [];
      for await (const part of parts) {
        consumed.push({ attempt, part });
        out.push(part);
      }
      await ctx.run("afterwards", () => {
        if (failAfterwardsOnce && attempt === 1) throw new Error("force a replay");
      });
      return { out, meta: await meta };
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([streams]);
});
afterAll(() => env.stop());

const d = (text: string): Part => ({ kind: "delta", text });
beforeEach(() => {
  opened = 0;
  gate = undefined;
  consumed = [];
  source = () => [
    d("a"),
    d("b"),
    { kind: "call", text: "c" },
    d("x"),
    d("y"),
    { kind: "end", text: "" },
  ];
});

describe("durableStream", () => {
  it("emits live parts as they come, and held parts once journaled", async () => {
    const released = Promise.withResolvers<void>();
    gate = released.promise;
    const id = await env.restate.send("streams/run", false);
    await expect.poll(() => consumed.length, { timeout: 10_000 }).toBe(2);
    expect(
      (await env.restate.journal(id)).find((e) => e.name === "model call")?.result,
    ).toBeUndefined();
    released.resolve();
    const { out, meta } = await env.restate.attach<{ out: Part[]; meta: unknown }>(id);
    expect(out).toEqual([
      d("a"),
      d("b"),
      { kind: "id", text: "id-1" },
      { kind: "call", text: "c" },
      d("xy"),
      { kind: "end", text: "" },
    ]);
    expect(meta).toEqual({ model: "m1" });
  });

  it("replays the journaled parts and metadata without opening the provider", async () => {
    const { out, meta } = await env.restate.call<{ out: Part[]; meta: unknown }>(
      "streams/run",
      true,
    );
    expect(opened).toBe(1);
    expect(meta).toEqual({ model: "m1" });
    expect(out).toEqual([
      d("ab"),
      { kind: "id", text: "id-1" },
      { kind: "call", text: "c" },
      d("xy"),
      { kind: "end", text: "" },
    ]);
    const live = consumed.filter((c) => c.attempt === 1).map((c) => c.part);
    expect(live.slice(0, 2)).toEqual([d("a"), d("b")]);
  });

  it("fails the attempt on an error part and journals only the successful retry", async () => {
    source = (attempt) =>
      attempt === 1
        ? [d("partial"), { kind: "error", text: "overloaded" }]
        : [d("fine"), { kind: "end", text: "" }];
    const id = await env.restate.send("streams/run", false);
    const { out } = await env.restate.attach<{ out: Part[] }>(id);
    expect(out).toEqual([d("fine"), { kind: "id", text: "id-2" }, { kind: "end", text: "" }]);
    expect(opened).toBe(2);
    const entry = (await env.restate.journal(id)).find((e) => e.name === "model call");
    expect(entry?.result).not.toContain("partial");
  });

  it("errors the stream with the TerminalError once retries are exhausted", async () => {
    source = () => [{ kind: "error", text: "always overloaded" }];
    await expect(env.restate.call("streams/run", false)).rejects.toThrow(/always overloaded/);
    expect(opened).toBe(3);
  });

  it("shows unkept parts live but leaves them out of the journal", async () => {
    source = () => [
      d("a"),
      { kind: "raw", text: "provider chunk" },
      d("b"),
      { kind: "end", text: "" },
    ];
    const id = await env.restate.send("streams/run", true);
    const { out } = await env.restate.attach<{ out: Part[] }>(id);
    const live = consumed.filter((c) => c.attempt === 1).map((c) => c.part.kind);
    expect(live).toContain("raw");
    expect(out.map((part) => part.kind)).toEqual(["delta", "id", "end"]);
    const entry = (await env.restate.journal(id)).find((e) => e.name === "model call");
    expect(entry?.result).not.toContain("provider chunk");
  });
});
