import { APICallError, LoadAPIKeyError } from "@ai-sdk/provider";
import { RetryableError, TerminalError } from "@restatedev/restate-sdk";
import { describe, expect, it } from "vitest";
import { callModel, classifyModelFailure } from "./model-failures.js";

const apiError = (statusCode: number, responseHeaders?: Record<string, string>) =>
  new APICallError({
    message: `provider said ${statusCode}`,
    url: "https://api.example.com/v1/responses",
    requestBodyValues: {},
    statusCode,
    ...(responseHeaders === undefined ? {} : { responseHeaders }),
  });

/**
 * Left to the retry policy: an ordinary error of the same name (its fields dropped); a retryable
 * HTTP failure's message names the model and the status, as Restate's final error then does.
 */
function expectPassedOn(result: unknown, original: Error, label?: string, status?: number) {
  expect(result).toBeInstanceOf(Error);
  expect(result).not.toBeInstanceOf(TerminalError);
  expect(result).not.toBeInstanceOf(RetryableError);
  expect((result as Error).name).toBe(original.name);
  const named =
    label === undefined ? original.message : `${label}: ${original.message} (HTTP ${status})`;
  expect((result as Error).message).toBe(named);
}

describe("classifyModelFailure: AI SDK errors", () => {
  it.each([400, 401, 403, 404, 422])(
    "makes HTTP %i terminal, naming the model and the cause",
    (status) => {
      const error = classifyModelFailure(apiError(status), "openai.responses/gpt-4o", true);
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
      expectPassedOn(classifyModelFailure(original, "m", true), original, "m", status);
    },
  );

  it("retries a 429 no sooner than retry-after (seconds) asks", () => {
    const error = classifyModelFailure(apiError(429, { "Retry-After": "7" }), "m", true);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfter).toBe(7000);
  });

  it("prefers OpenAI's retry-after-ms", () => {
    const error = classifyModelFailure(
      apiError(429, { "retry-after-ms": "250", "retry-after": "1" }),
      "m",
      true,
    );
    expect((error as RetryableError).retryAfter).toBe(250);
  });

  it("reads an HTTP-date retry-after", () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    const error = classifyModelFailure(apiError(503, { "retry-after": at }), "m", true);
    expect((error as RetryableError).retryAfter).toBeGreaterThan(50_000);
  });

  it("makes a missing API key terminal", () => {
    const error = classifyModelFailure(
      new LoadAPIKeyError({ message: "OpenAI API key is missing" }),
      "openai.responses/gpt-4o",
      true,
    );
    expect(error).toBeInstanceOf(TerminalError);
    expect((error as Error).message).toContain("OpenAI API key is missing");
  });

  it("keeps everything retryable when asked to", () => {
    const original = apiError(401);
    expectPassedOn(classifyModelFailure(original, "m", false), original);
  });

  it("passes terminal errors and unknown errors through", () => {
    const terminal = new TerminalError("stop");
    const network = new TypeError("fetch failed");
    const classified = classifyModelFailure(terminal, "m", true);
    expect(classified).toBeInstanceOf(TerminalError);
    expect((classified as TerminalError).message).toBe("stop");
    expectPassedOn(classifyModelFailure(network, "m", true), network);
  });
});

/** The shape of the `openai` client's APIError: `status`, `headers` (a Headers object). */
class OpenAIApiError extends Error {
  override name = "AuthenticationError";
  readonly status: number;
  readonly headers: Headers;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = new Headers(headers);
  }
}

describe("classifyModelFailure: openai client errors", () => {
  it("makes a 401 terminal", () => {
    const error = classifyModelFailure(
      new OpenAIApiError(401, "Incorrect API key"),
      "gpt-4o",
      true,
    );
    expect(error).toBeInstanceOf(TerminalError);
    expect((error as Error).message).toBe("gpt-4o: Incorrect API key (HTTP 401)");
  });

  it("retries a 429 after its retry-after-ms", () => {
    const error = classifyModelFailure(
      new OpenAIApiError(429, "Rate limit", { "retry-after-ms": "1500" }),
      "gpt-4o",
      true,
    );
    expect((error as RetryableError).retryAfter).toBe(1500);
  });

  it("leaves a 500 to the retry policy", () => {
    const original = new OpenAIApiError(500, "server error");
    expectPassedOn(classifyModelFailure(original, "gpt-4o", true), original, "gpt-4o", 500);
  });

  it("makes a missing API key terminal", () => {
    const missingKey = Object.assign(
      new Error("The OPENAI_API_KEY environment variable is missing or empty"),
      { name: "OpenAIError" },
    );
    expect(classifyModelFailure(missingKey, "gpt-4o", true)).toBeInstanceOf(TerminalError);
  });

  it("recognises openai v7's missing-credentials error by its class, whose name is plain Error", () => {
    class OpenAIError extends Error {}
    const missing = new OpenAIError(
      "Missing credentials. Please pass an `apiKey`, `workloadIdentity`, `adminAPIKey`, or set the `OPENAI_API_KEY` or `OPENAI_ADMIN_KEY` environment variable.",
    );
    expect(missing.name).toBe("Error");
    const classified = classifyModelFailure(missing, "gpt-4o", true);
    expect(classified).toBeInstanceOf(TerminalError);
    expect((classified as Error).message).toMatch(/^gpt-4o: Missing credentials/);
    expect(
      classifyModelFailure(new OpenAIError("socket hang up"), "gpt-4o", true),
    ).not.toBeInstanceOf(TerminalError);
  });
});

describe("callModel", () => {
  it("returns the call's result and throws what classifyModelFailure makes of a failure", async () => {
    await expect(callModel("gpt-4o", true, () => Promise.resolve("ok"))).resolves.toBe("ok");
    await expect(
      callModel("gpt-4o", true, () => Promise.reject(new OpenAIApiError(401, "bad key"))),
    ).rejects.toBeInstanceOf(TerminalError);
    const outage = new OpenAIApiError(500, "server error");
    const failure = await callModel("gpt-4o", true, () => Promise.reject(outage)).catch((e) => e);
    expectPassedOn(failure, outage, "gpt-4o", 500);
  });
});

describe("classifyModelFailure: the caller's abort", () => {
  it("makes any failure of an aborted call terminal, naming the reason", () => {
    const controller = new AbortController();
    controller.abort(new DOMException("The operation was aborted", "AbortError"));
    const fetchAbort = new DOMException("This operation was aborted", "AbortError");
    const error = classifyModelFailure(fetchAbort, "openai.chat/gpt-4o", true, controller.signal);
    expect(error).toBeInstanceOf(TerminalError);
    expect((error as TerminalError).message).toBe(
      "openai.chat/gpt-4o: aborted by the caller (AbortError: The operation was aborted)",
    );
    expect((error as TerminalError).metadata).toEqual({ aborted: "true" });
  });

  it("leaves the failures of calls whose signal did not fire to the other rules", () => {
    const classified = classifyModelFailure(apiError(500), "m", true, new AbortController().signal);
    expect(classified).not.toBeInstanceOf(TerminalError);
    expect((classified as Error).message).toBe("m: provider said 500 (HTTP 500)");
  });
});
