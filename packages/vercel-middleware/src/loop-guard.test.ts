import type { LanguageModelV4Prompt } from "@ai-sdk/provider";
import { Turnstile } from "@restate-ai/core";
import { CancelledError, TerminalError } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { afterModelCall, beforeModelCall } from "./loop-guard.js";
import type { LoopState } from "./loop-state.js";

const freshState = (): LoopState => ({
  wrappedTools: new Set(),
  pendingToolCalls: new Map(),
});

const toolResult = (
  toolCallId: string,
  value: string,
  type: "error-text" | "text" = "error-text",
) =>
  [
    { role: "user", content: [{ type: "text", text: "hi" }] },
    {
      role: "tool",
      content: [{ type: "tool-result", toolCallId, toolName: "approve", output: { type, value } }],
    },
  ] as LanguageModelV4Prompt;

const call = (toolCallId: string, toolName: string, providerExecuted?: boolean) => ({
  type: "tool-call",
  toolCallId,
  toolName,
  ...(providerExecuted === undefined ? {} : { providerExecuted }),
});

describe("beforeModelCall", () => {
  it("throws the error that ended the loop, and keeps throwing it", () => {
    const state = freshState();
    const cancelled = new CancelledError();
    state.abort = { error: cancelled };
    expect(() => beforeModelCall(state, [])).toThrow(cancelled);
    expect(() => beforeModelCall(state, [])).toThrow(cancelled);
  });

  it("turns a cancelled unwrapped tool of this attempt into a CancelledError", () => {
    const state = freshState();
    afterModelCall(state, [call("c1", "approve")], true);
    expect(() => beforeModelCall(state, toolResult("c1", "CancelledError: Cancelled"))).toThrow(
      CancelledError,
    );
    expect(state.abort?.error).toBeInstanceOf(CancelledError);
  });

  it("reads only the tool results after the last assistant message", () => {
    const state = freshState();
    afterModelCall(state, [call("c1", "approve")], true);
    const earlier = [
      ...toolResult("c1", "CancelledError: Cancelled"),
      { role: "assistant", content: [{ type: "text", text: "done" }] },
    ] as LanguageModelV4Prompt;
    expect(() => beforeModelCall(state, earlier)).not.toThrow();
    expect(state.pendingToolCalls.has("c1")).toBe(true);
    expect(() => beforeModelCall(state, toolResult("c1", "CancelledError: Cancelled"))).toThrow(
      CancelledError,
    );
  });

  it("ignores cancellation text of older history and of tools durableTools handles", () => {
    const history = freshState();
    expect(() =>
      beforeModelCall(history, toolResult("old", "CancelledError: Cancelled")),
    ).not.toThrow();
    const wrapped = freshState();
    wrapped.wrappedTools.add("approve");
    afterModelCall(wrapped, [call("c1", "approve")], true);
    expect(() =>
      beforeModelCall(wrapped, toolResult("c1", "CancelledError: Cancelled")),
    ).not.toThrow();
  });

  it("lets ordinary tool errors reach the model", () => {
    const state = freshState();
    afterModelCall(state, [call("c1", "approve")], true);
    expect(() => beforeModelCall(state, toolResult("c1", "Error: not found"))).not.toThrow();
    expect(state.pendingToolCalls.size).toBe(0);
  });
});

describe("afterModelCall", () => {
  it("fails several calls of unwrapped tools when nothing orders them, naming the fixes", () => {
    const state = freshState();
    const fail = () => afterModelCall(state, [call("a", "lookup"), call("b", "lookup")], false);
    expect(fail).toThrow(TerminalError);
    expect(fail).toThrow(
      /2 tools in one step \(lookup\), and nothing can run lookup in a fixed order: it is not wrapped with durableTools.*parallelToolCalls: "allow"/,
    );
  });

  it("accepts them when the AI SDK's hooks order them, or the caller allows it", () => {
    const state = freshState();
    const calls = [call("a", "lookup"), call("b", "lookup")];
    expect(() => afterModelCall(state, calls, true)).not.toThrow();
    expect(() => afterModelCall(state, calls, false, "allow")).not.toThrow();
  });

  it("accepts one tool call, provider-executed calls, and wrapped tools", () => {
    const state = freshState();
    afterModelCall(state, [call("a", "lookup")], false);
    afterModelCall(state, [call("a", "lookup"), call("b", "web_search", true)], false);
    state.wrappedTools.add("lookup");
    afterModelCall(state, [call("c", "lookup"), call("d", "lookup")], false);
    expect([...state.pendingToolCalls.keys()]).toEqual(["a", "c", "d"]);
  });

  it("gives the calls of one response one turnstile, and every response its own", () => {
    const state = freshState();
    afterModelCall(state, [call("a", "lookup"), call("b", "lookup")], true);
    afterModelCall(state, [call("c", "lookup")], true);
    const turnstileOf = (id: string) => state.pendingToolCalls.get(id)?.turnstile;
    expect(turnstileOf("a")).toBeInstanceOf(Turnstile);
    expect(turnstileOf("b")).toBe(turnstileOf("a"));
    expect(turnstileOf("c")).not.toBe(turnstileOf("a"));
  });
});
