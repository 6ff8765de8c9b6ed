import type { Context } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { enterModelCall } from "./model-call-guard.js";

describe("enterModelCall", () => {
  it("refuses a second model call of one context while the first is in flight", () => {
    const ctx = {} as Context;
    const leave = enterModelCall(ctx, "the fix");
    expect(() => enterModelCall(ctx, "the fix")).toThrow(/Several agent runs.*\(the fix\)/);
    leave();
    leave();
    const again = enterModelCall(ctx, "the fix");
    expect(() => enterModelCall({} as Context, "the fix")).not.toThrow();
    again();
  });
});
