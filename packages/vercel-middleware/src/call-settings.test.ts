import { describe, expect, it } from "vitest";
import { resolveCallSettings } from "./call-settings.js";

describe("resolveCallSettings", () => {
  it("bounds retries, journals model calls in format 2 and embeddings with SuperJSON by default", () => {
    const retry = { maxRetryAttempts: 10, initialRetryInterval: 1000, maxRetryInterval: 30_000 };
    const settings = resolveCallSettings();
    expect(settings).toEqual({
      runOptions: {
        ...retry,
        serde: expect.objectContaining({ contentType: "application/json" }),
      },
      modelRunOptions: {
        ...retry,
        serde: expect.objectContaining({ contentType: "application/json" }),
      },
      journalResponseHeaders: false,
      journalBodies: false,
      nonRetryableIsTerminal: true,
      names: expect.objectContaining({ generate: expect.any(Function) }),
      parallelToolCalls: "auto",
      maxJournalEntryBytes: 10 * 1024 * 1024,
    });
    const entry = { parts: [{ type: "tool-call", toolCallId: "c", toolName: "t", input: "{}" }] };
    const packed = new TextDecoder().decode(settings.modelRunOptions.serde?.serialize(entry));
    expect(JSON.parse(packed)).toEqual({ jv: 2, p: [["c", "c", "t", "{}"]] });
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

  it("names entries as the reference package does, or as the 0.1 release did", () => {
    const model = { provider: "openai.responses", modelId: "gpt-4o" };
    const { names } = resolveCallSettings();
    expect([names.generate(model), names.stream(model), names.embed(model)]).toEqual([
      "calling openai.responses",
      "stream openai.responses/gpt-4o",
      "embedding openai.responses",
    ]);
    const descriptive = resolveCallSettings({ entryNames: "descriptive" }).names;
    expect(descriptive.generate(model)).toBe("generate openai.responses/gpt-4o");
    expect(descriptive.embed(model)).toBe("embed openai.responses/gpt-4o");
    expect(() => resolveCallSettings({ entryNames: "short" as never })).toThrow(/entryNames/);
    expect(() => resolveCallSettings({ parallelToolCalls: "yes" as never })).toThrow(
      /parallelToolCalls/,
    );
  });
});
