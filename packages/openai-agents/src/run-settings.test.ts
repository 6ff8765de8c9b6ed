import { describe, expect, it } from "vitest";
import { splitConfig } from "./run-settings.js";

describe("splitConfig", () => {
  it("turns tracing off, runs tools one at a time and bounds model retries by default", () => {
    const { settings, runConfig } = splitConfig({ workflowName: "claims" });
    expect(runConfig).toEqual({
      workflowName: "claims",
      tracingDisabled: true,
      toolExecution: { maxFunctionToolConcurrency: 1 },
    });
    const retry = { maxRetryAttempts: 10, initialRetryInterval: 1000, maxRetryInterval: 30_000 };
    const serde = expect.objectContaining({ contentType: "application/json" });
    expect(settings).toEqual({
      runOptions: { ...retry, serde },
      modelRunOptions: { ...retry, serde },
      journalProviderData: false,
      journalRawEvents: false,
      nonRetryableIsTerminal: true,
    });
  });

  it("takes the caller's retry policy and tracing opt-in", () => {
    const { settings, runConfig } = splitConfig({ maxRetryAttempts: 3, enableTracing: true });
    expect(settings.runOptions).toMatchObject({ maxRetryAttempts: 3 });
    expect(settings.modelRunOptions).toMatchObject({ maxRetryAttempts: 3 });
    expect(runConfig.tracingDisabled).toBe(false);
  });

  it("journals model calls in format 2, within maxJournalEntryBytes", () => {
    const { serde } = splitConfig({ maxJournalEntryBytes: 300 }).settings.modelRunOptions;
    const response = {
      output: [{ type: "message", role: "assistant", status: "completed", content: [] }],
      responseId: "resp_1",
      usage: { requests: 1, inputTokens: 5, outputTokens: 2, totalTokens: 7 },
    };
    const bytes = serde?.serialize(response) ?? new Uint8Array();
    expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({
      jv: 2,
      usage: [5, 2, 7, 1],
    });
    expect(serde?.deserialize(bytes)).toEqual({
      ...response,
      usage: { ...response.usage, inputTokensDetails: [], outputTokensDetails: [] },
    });
    expect(() => serde?.serialize({ ...response, responseId: "x".repeat(300) })).toThrow(
      /maxJournalEntryBytes/,
    );
  });

  it("journals MCP calls with SuperJSON, within maxJournalEntryBytes", () => {
    const { serde } = splitConfig({ maxJournalEntryBytes: 200 }).settings.runOptions;
    expect(serde?.deserialize(serde.serialize({ at: new Date(3) }))).toEqual({ at: new Date(3) });
    expect(() => serde?.serialize({ text: "x".repeat(300) })).toThrow(/maxJournalEntryBytes/);
  });
});
