import { APICallError, LoadAPIKeyError } from "@ai-sdk/provider";
import { RetryableError, TerminalError } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { classifyProviderError } from "./provider-errors.js";

const apiError = (statusCode: number, responseHeaders?: Record<string, string>) =>
  new APICallError({
    message: `provider said ${statusCode}`,
    url: "https://api.example.com/v1/responses",
    requestBodyValues: {},
    statusCode,
    ...(responseHeaders === undefined ? {} : { responseHeaders }),
  });

describe("classifyProviderError", () => {
  it.each([400, 401, 403, 404, 422])(
    "makes HTTP %i terminal, naming the model and the cause",
    (status) => {
      const error = classifyProviderError(apiError(status), "openai.responses/gpt-4o", true);
      expect(error).toBeInstanceOf(TerminalError);
      expect((error as TerminalError).message).toBe(
        `openai.responses/gpt-4o: provider said ${status} (HTTP ${status})`,
      );
      expect((error as TerminalError).metadata).toMatchObject({ status: String(status) });
    },
  );

  it.each([408, 409, 500, 502, 503])(
    "leaves retryable HTTP %i to Restate's retry policy",
    (status) => {
      const original = apiError(status);
      expect(classifyProviderError(original, "m", true)).toBe(original);
    },
  );

  it("retries a 429 no sooner than retry-after (seconds) asks", () => {
    const error = classifyProviderError(apiError(429, { "Retry-After": "7" }), "m", true);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfter).toBe(7000);
  });

  it("prefers OpenAI's retry-after-ms", () => {
    const error = classifyProviderError(
      apiError(429, { "retry-after-ms": "250", "retry-after": "1" }),
      "m",
      true,
    );
    expect((error as RetryableError).retryAfter).toBe(250);
  });

  it("reads an HTTP-date retry-after", () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const error = classifyProviderError(apiError(503, { "retry-after": at }), "m", true);
    expect((error as RetryableError).retryAfter).toBeGreaterThan(50_000);
  });

  it("makes a missing API key terminal", () => {
    const error = classifyProviderError(
      new LoadAPIKeyError({ message: "OpenAI API key is missing" }),
      "openai.responses/gpt-4o",
      true,
    );
    expect(error).toBeInstanceOf(TerminalError);
    expect((error as Error).message).toContain("OpenAI API key is missing");
  });

  it("keeps everything retryable when asked to", () => {
    const original = apiError(401);
    expect(classifyProviderError(original, "m", false)).toBe(original);
  });

  it("passes terminal errors and unknown errors through", () => {
    const terminal = new TerminalError("stop");
    const network = new TypeError("fetch failed");
    expect(classifyProviderError(terminal, "m", true)).toBe(terminal);
    expect(classifyProviderError(network, "m", true)).toBe(network);
  });
});
