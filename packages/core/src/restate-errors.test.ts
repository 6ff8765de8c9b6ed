import {
  CancelledError,
  RestateError,
  RetryableError,
  TerminalError,
  TimeoutError,
} from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import {
  isAttemptEndingError,
  isCancelledError,
  isRestateControlError,
  isTerminalError,
} from "./restate-errors.js";

const foreign = (name: string, code: number) => Object.assign(new Error(name), { name, code });

describe("Restate error recognition", () => {
  it("knows terminal errors of this and of other SDK copies", () => {
    for (const error of [
      new TerminalError("x"),
      new TimeoutError(),
      new CancelledError(),
      foreign("TerminalError", 500),
      foreign("TimeoutError", 408),
      foreign("CancelledError", 409),
    ]) {
      expect(isTerminalError(error)).toBe(true);
    }
    for (const error of [
      new Error("x"),
      new RetryableError("x"),
      foreign("TimeoutError", 500),
      { name: "TerminalError" },
      null,
    ]) {
      expect(isTerminalError(error)).toBe(false);
    }
  });

  it("tells cancellation apart from other terminal errors", () => {
    expect(isCancelledError(new CancelledError())).toBe(true);
    expect(isCancelledError(foreign("CancelledError", 409))).toBe(true);
    expect(isCancelledError(new TerminalError("x", { errorCode: 409 }))).toBe(false);
    expect(isCancelledError(new TimeoutError())).toBe(false);
  });

  it("recognises suspension and closed-attempt signals", () => {
    expect(isAttemptEndingError(new RestateError("suspended", { errorCode: 599 }))).toBe(true);
    expect(isAttemptEndingError(new RestateError("closed", { errorCode: 598 }))).toBe(true);
    expect(isAttemptEndingError(foreign("RestateError", 599))).toBe(true);
    expect(isAttemptEndingError(new RestateError("other", { errorCode: 500 }))).toBe(false);
    expect(isAttemptEndingError(foreign("Error", 599))).toBe(false);
  });

  it("treats cancellation and attempt-ending signals as control flow", () => {
    expect(isRestateControlError(new CancelledError())).toBe(true);
    expect(isRestateControlError(new RestateError("s", { errorCode: 599 }))).toBe(true);
    expect(isRestateControlError(new TerminalError("declined"))).toBe(false);
  });
});
