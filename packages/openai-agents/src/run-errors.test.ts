import {
  MaxTurnsExceededError,
  ModelBehaviorError,
  ModelTimeoutError,
  ToolCallError,
} from "@openai/agents";
import { CancelledError, TerminalError } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { DurableRunAborted } from "./durable-scope.js";
import { unwrapRunError } from "./run-errors.js";

describe("unwrapRunError", () => {
  it("finds the Restate error inside the SDK's wrappers", () => {
    const cancelled = new CancelledError();
    const declined = new TerminalError("declined");
    expect(unwrapRunError(new ToolCallError("tool failed", cancelled))).toBe(cancelled);
    expect(unwrapRunError(new DurableRunAborted(declined))).toBe(declined);
    expect(unwrapRunError(new DurableRunAborted(new ToolCallError("x", declined)))).toBe(declined);
  });

  it("keeps any other error as the SDK reported it", () => {
    const wrapped = new ToolCallError("tool failed", new Error("boom"));
    expect(unwrapRunError(wrapped)).toBe(wrapped);
    const plain = new Error("model behaviour");
    expect(unwrapRunError(plain)).toBe(plain);
  });
});

describe("unwrapRunError for the SDK's own errors", () => {
  it("makes errors a replay would repeat terminal, keeping the SDK's name and message", () => {
    const surfaced = unwrapRunError(new ModelBehaviorError("Tool x not found in agent A."));
    expect(surfaced).toBeInstanceOf(TerminalError);
    expect((surfaced as Error).message).toBe("ModelBehaviorError: Tool x not found in agent A.");
    expect(unwrapRunError(new MaxTurnsExceededError("Max turns (3) exceeded"))).toBeInstanceOf(
      TerminalError,
    );
  });

  it("leaves errors that may pass on a retry retryable", () => {
    const timeout = new ModelTimeoutError({ timeoutMs: 5000 });
    expect(unwrapRunError(timeout)).toBe(timeout);
  });
});
