import { describe, expect, it } from "vitest";
import { resolveCallSettings } from "./call-settings.js";

describe("resolveCallSettings", () => {
  it("bounds retries and journals with SuperJSON by default", () => {
    expect(resolveCallSettings()).toEqual({
      runOptions: {
        maxRetryAttempts: 10,
        initialRetryInterval: 1000,
        maxRetryInterval: 30_000,
        serde: expect.objectContaining({ contentType: "application/json" }),
      },
      journalBodies: false,
      nonRetryableIsTerminal: true,
    });
  });

  it("takes the caller's RunOptions as given", () => {
    const { runOptions } = resolveCallSettings({ maxRetryAttempts: 3, initialRetryInterval: 10 });
    expect(runOptions).toMatchObject({ maxRetryAttempts: 3, initialRetryInterval: 10 });
  });

  it("does not add an attempt limit to a duration limit", () => {
    const { runOptions } = resolveCallSettings({ maxRetryDuration: { minutes: 5 } });
    expect(runOptions.maxRetryAttempts).toBeUndefined();
    expect(runOptions.maxRetryDuration).toEqual({ minutes: 5 });
  });

  it("journals with SuperJSON, within maxJournalEntryBytes", () => {
    const { serde } = resolveCallSettings({ maxJournalEntryBytes: 200 }).runOptions;
    const result = { at: new Date(7), usage: { cacheWrite: undefined } };
    expect(serde?.deserialize(serde.serialize(result))).toEqual(result);
    expect(() => serde?.serialize({ text: "x".repeat(300) })).toThrow(/maxJournalEntryBytes/);
    expect(() => resolveCallSettings({ maxJournalEntryBytes: -1 })).toThrow(/positive integer/);
  });
});
