import { Agent } from "@openai/agents";
import {
  assistantMessage,
  functionCall,
  modelResponse,
  ScriptedModel,
} from "@openai/agents-core/testing";
import { type RestateTestEnvironment, startRestateWith } from "@restate-ai/test-harness";
import * as restate from "@restatedev/restate-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DurableRunner } from "./durable-runner.js";
import { DEFAULT_TOOL_ERROR_MESSAGE, type DurableToolExtras, durableTool } from "./durable-tool.js";

let model: ScriptedModel;
let executions: number;
let awakeables: string[];
const attempts = new Map<string, number>();

type Failure = "cancel" | "terminal" | "plain" | "journaled" | "bigint";

function toolFor(ctx: restate.Context, failure: Failure, extras: DurableToolExtras) {
  const attempt = (attempts.get(ctx.request().id) ?? 0) + 1;
  attempts.set(ctx.request().id, attempt);
  return durableTool({
    name: "act",
    description: "Does something.",
    parameters: z.object({}),
    ...extras,
    ...(failure === "plain"
      ? { errorFunction: (_ctx, error) => `custom: ${(error as Error).message}` }
      : {}),
    execute: async () => {
      executions++;
      if (failure === "cancel") {
        const approval = ctx.awakeable<string>();
        awakeables.push(approval.id);
        return approval.promise;
      }
      if (failure === "terminal") throw new restate.TerminalError("declined for good");
      if (failure === "plain") throw new Error("flaky backend");
      if (failure === "bigint") return { total: 10n } as unknown as string;
      return `executed in attempt ${attempt}`;
    },
  });
}

const tools = restate.service({
  name: "toolSemantics",
  handlers: {
    run: async (ctx: restate.Context, input: { failure: Failure; extras?: DurableToolExtras }) => {
      const agent = new Agent({
        name: "Tooling",
        instructions: "test",
        model,
        tools: [toolFor(ctx, input.failure, input.extras ?? {})],
      });
      const output = (await new DurableRunner(ctx).run(agent, "go")).finalOutput;
      // fails once after the tool, so the journaled tool is replayed, not executed again
      await ctx.run("after", () => {
        if (input.failure === "journaled" && (attempts.get(ctx.request().id) ?? 0) === 1) {
          throw new Error("force a replay");
        }
      });
      return output;
    },
  },
});

let env: RestateTestEnvironment;
beforeAll(async () => {
  env = await startRestateWith([tools]);
});
afterAll(() => env.stop());
beforeEach(() => {
  executions = 0;
  awakeables = [];
  model = new ScriptedModel([
    modelResponse([functionCall("act", {}, { callId: "call-1" })]),
    modelResponse([assistantMessage("done")]),
  ]);
});

/** What the model's second request contained (the tool's result). */
const modelSaw = () => JSON.stringify(model.calls[1]?.request.input);

describe("durableTool", () => {
  it("ends the run on cancellation; the model is not called again", async () => {
    const id = await env.restate.send("toolSemantics/run", { failure: "cancel" });
    await expect.poll(() => awakeables.length).toBe(1);
    await env.restate.cancel(id);
    await expect(env.restate.attach(id)).rejects.toThrow(/409.*Cancelled/);
    expect(model.calls).toHaveLength(1);
  });

  it("fails the run on a TerminalError by default", async () => {
    await expect(env.restate.call("toolSemantics/run", { failure: "terminal" })).rejects.toThrow(
      /declined for good/,
    );
    expect(model.calls).toHaveLength(1);
  });

  it("shows the TerminalError to the model with terminalErrors: 'model'", async () => {
    const output = await env.restate.call("toolSemantics/run", {
      failure: "terminal",
      extras: { terminalErrors: "model" },
    });
    expect(output).toBe("done");
    expect(modelSaw()).toContain("declined for good");
  });

  it("hands other errors to the tool's errorFunction", async () => {
    expect(await env.restate.call("toolSemantics/run", { failure: "plain" })).toBe("done");
    expect(modelSaw()).toContain("custom: flaky backend");
  });

  it("journals execute with journal: true, so a replay does not run it again", async () => {
    await env.restate.call("toolSemantics/run", {
      failure: "journaled",
      extras: { journal: true },
    });
    expect(executions).toBe(1);
    expect(modelSaw()).toContain("executed in attempt 1");
  });

  it("shows the model why its arguments failed the schema, so it can correct the call", async () => {
    model = new ScriptedModel([
      modelResponse([functionCall("act", "[1, 2]", { callId: "call-1" })]),
      modelResponse([assistantMessage("done")]),
    ]);
    expect(await env.restate.call("toolSemantics/run", { failure: "journaled" })).toBe("done");
    expect(executions).toBe(0);
    expect(modelSaw()).toContain("Invalid arguments for tool act: ");
  });

  it("fails the run with a TerminalError naming the tool when its result cannot reach the model", async () => {
    await expect(env.restate.call("toolSemantics/run", { failure: "bigint" })).rejects.toThrow(
      /Tool .{1,2}act.{1,2} returned a BigInt at \.total, which cannot be sent to the model/,
    );
    expect(model.calls).toHaveLength(1);
  });

  it("uses the SDK's default message for ordinary errors without an errorFunction", () => {
    expect(DEFAULT_TOOL_ERROR_MESSAGE).toBe(
      "An error occurred while running the tool. Please try again.",
    );
  });
});
