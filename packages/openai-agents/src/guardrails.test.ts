import type { InputGuardrail, OutputGuardrail } from "@openai/agents";
import type { Context } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { DurableScope } from "./durable-scope.js";
import { makeGuardrailsSequential, sequentialCopies } from "./guardrails.js";
import { splitConfig } from "./run-settings.js";

const scope = () => new DurableScope({} as Context, splitConfig({}).settings);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

function recording(events: string[], name: string): InputGuardrail {
  return {
    name,
    execute: async () => {
      events.push(`start ${name}`);
      await tick();
      events.push(`end ${name}`);
      return { outputInfo: name, tripwireTriggered: false };
    },
  };
}

describe("makeGuardrailsSequential", () => {
  it("in a durable run: blocking, and one at a time per run, in start order", async () => {
    const events: string[] = [];
    const guardrails = [recording(events, "a"), recording(events, "b")];
    makeGuardrailsSequential(guardrails);
    const context = {} as never;
    await scope().run(async () => {
      expect(guardrails.map((g) => g.runInParallel)).toEqual([false, false]);
      await Promise.all(
        guardrails.map((g) => g.execute({ agent: {}, input: "x", context } as never)),
      );
    });
    expect(events).toEqual(["start a", "end a", "start b", "end b"]);
  });

  it("outside durable runs: as written, concurrent", async () => {
    const events: string[] = [];
    const guardrails = [recording(events, "a"), recording(events, "b")];
    makeGuardrailsSequential(guardrails);
    makeGuardrailsSequential(guardrails);
    expect(guardrails[0]?.runInParallel).toBeUndefined();
    await Promise.all(
      guardrails.map((g) => g.execute({ agent: {}, input: "x", context: {} } as never)),
    );
    expect(events).toEqual(["start a", "start b", "end a", "end b"]);
  });

  it("copies run-level guardrails as blocking, without wrapping twice", async () => {
    const events: string[] = [];
    const output: OutputGuardrail = { name: "o", execute: recording(events, "o").execute as never };
    makeGuardrailsSequential([output]);
    const [copy] = sequentialCopies([output]) ?? [];
    expect((copy as unknown as InputGuardrail).runInParallel).toBe(false);
    await scope().run(() => copy?.execute({ agentOutput: "", context: {} } as never));
    expect(events).toEqual(["start o", "end o"]);
  });
});
