import { TerminalError } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { journalEntryLimit, limitedSerde } from "./journal-limit.js";
import { superJson } from "./journal-serde.js";

describe("limitedSerde", () => {
  const serde = limitedSerde(superJson, 256);

  it("passes entries within the limit through unchanged", () => {
    const value = { at: new Date(5), text: "short" };
    expect(serde.deserialize(serde.serialize(value))).toEqual(value);
  });

  it("fails with a TerminalError naming the size and the limit", () => {
    expect(() => serde.serialize({ text: "x".repeat(300) })).toThrow(TerminalError);
    expect(() => serde.serialize({ text: "x".repeat(300) })).toThrow(
      /of 3\d\d bytes is larger than maxJournalEntryBytes \(256 bytes\)/,
    );
  });

  it("turns a serde failure into a TerminalError", () => {
    const failing = limitedSerde<unknown>(
      {
        contentType: "application/json",
        serialize: () => {
          throw new Error("nope");
        },
        deserialize: () => null,
      },
      64,
    );
    expect(() => failing.serialize("x")).toThrow(
      new TerminalError("A model result could not be journaled: nope"),
    );
  });
});

describe("journalEntryLimit", () => {
  it("defaults to 10 MiB and refuses nonsense", () => {
    expect(journalEntryLimit(undefined)).toBe(10 * 1024 * 1024);
    expect(journalEntryLimit(1024)).toBe(1024);
    expect(() => journalEntryLimit(0)).toThrow(/maxJournalEntryBytes must be a positive integer/);
    expect(() => journalEntryLimit(1.5)).toThrow(TerminalError);
  });
});
