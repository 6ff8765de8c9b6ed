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
    expect(settings).toEqual({
      runOptions: {
        maxRetryAttempts: 10,
        initialRetryInterval: 1000,
        maxRetryInterval: 30_000,
        serde: expect.objectContaining({ contentType: "application/json" }),
      },
      journalProviderData: false,
      journalRawEvents: false,
      nonRetryableIsTerminal: true,
    });
  });

  it("takes the caller's retry policy and tracing opt-in", () => {
    const { settings, runConfig } = splitConfig({ maxRetryAttempts: 3, enableTracing: true });
    expect(settings.runOptions).toMatchObject({ maxRetryAttempts: 3 });
    expect(runConfig.tracingDisabled).toBe(false);
  });

  it("journals with SuperJSON, within maxJournalEntryBytes", () => {
    const { serde } = splitConfig({ maxJournalEntryBytes: 200 }).settings.runOptions;
    expect(serde?.deserialize(serde.serialize({ at: new Date(3) }))).toEqual({ at: new Date(3) });
    expect(() => serde?.serialize({ text: "x".repeat(300) })).toThrow(/maxJournalEntryBytes/);
  });
});
