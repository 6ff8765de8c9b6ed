import { superJson } from "@restate-ai/core";
import { describe, expect, it } from "vitest";
import { resolveCallSettings } from "./call-settings.js";

describe("resolveCallSettings", () => {
  it("bounds retries and journals with SuperJSON by default", () => {
    expect(resolveCallSettings()).toEqual({
      runOptions: {
        maxRetryAttempts: 10,
        initialRetryInterval: 1000,
        maxRetryInterval: 30_000,
        serde: superJson,
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
});
