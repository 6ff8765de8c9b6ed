import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { Turnstile } from "./tool-turnstile.js";

describe("Turnstile", () => {
  it("runs tasks one at a time in the order they were started, whatever they await", async () => {
    const turnstile = new Turnstile();
    const events: string[] = [];
    const task = (name: string, delay: number) =>
      turnstile.run(async () => {
        events.push(`start ${name}`);
        await sleep(delay);
        events.push(`end ${name}`);
        return name;
      });
    const results = await Promise.all([task("A", 30), task("B", 1), task("C", 10)]);
    expect(results).toEqual(["A", "B", "C"]);
    expect(events).toEqual(["start A", "end A", "start B", "end B", "start C", "end C"]);
  });

  it("lets the next task through when one fails", async () => {
    const turnstile = new Turnstile();
    const failing = turnstile.run(async () => {
      throw new Error("boom");
    });
    const next = turnstile.run(async () => "next");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("next");
  });

  it("holds the turn for the whole of an async iterable", async () => {
    const turnstile = new Turnstile();
    const events: string[] = [];
    async function* stream() {
      events.push("stream 1");
      await sleep(10);
      yield 1;
      events.push("stream 2");
      yield 2;
    }
    const consume = (async () => {
      const values: number[] = [];
      for await (const value of turnstile.iterate(stream)) values.push(value);
      return values;
    })();
    const after = turnstile.run(async () => events.push("after"));
    expect(await consume).toEqual([1, 2]);
    await after;
    expect(events).toEqual(["stream 1", "stream 2", "after"]);
  });
});
