import { RetryableError, TerminalError } from "@restatedev/restate-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { classifyModelFailure } from "./model-failures.js";
import {
  journaledHeaders,
  redactSecrets,
  withJournaledHeaders,
  withoutSecrets,
} from "./secret-redaction.js";

const KEY = "sk-proj-Abc123Def456Ghi789Jkl012Mno345";

describe("redactSecrets", () => {
  it.each([
    [`Incorrect API key provided: ${KEY}. You can find your API key at https://x`, KEY],
    ["Incorrect API key provided: sk-proj-****************************Mno3.", "Mno3"],
    ["Incorrect API key provided: sk-abc...xyz9.", "xyz9"],
    ["invalid key abcd************wxyz given", "wxyz"],
    ["upstream: Authorization: Bearer tok_9f8e7d6c5b4a", "9f8e7d6c5b4a"],
    ['{"headers":{"x-api-key":"ant-secret-value-1"}}', "ant-secret-value-1"],
    ["GET https://api.example.com/v1?api_key=qwerty123456&x=1", "qwerty123456"],
    ["connect https://alice:hunter22@db.example.com failed", "hunter22"],
    ["key AIzaSyA-1234567890abcdefghijklmnopqrs rejected", "AIzaSyA-1234567890"],
    ["token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl expired", "eyJzdWIiOiIxIn0"],
    ["gsk_abcdefghijklmnop and hf_abcdefghijklmnopqrst", "abcdefghijklmnop"],
  ])("masks %j", (text, secret) => {
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain("[redacted]");
  });

  it("keeps ordinary text", () => {
    const text =
      "gpt-4o: Rate limit reached for requests (HTTP 429); max tokens: 4096, task-list ok";
    expect(redactSecrets(text)).toBe(text);
  });

  describe("secrets of the environment", () => {
    afterEach(() => {
      delete process.env.ACME_API_KEY;
    });
    it("masks the values of secret-named variables wherever they appear", () => {
      process.env.ACME_API_KEY = "plain-looking-value-42";
      expect(redactSecrets("echo: plain-looking-value-42!")).toBe("echo: [redacted]!");
    });
  });
});

describe("withoutSecrets", () => {
  const providerError = () =>
    Object.assign(new Error(`401 Incorrect API key provided: ${KEY}`), {
      name: "AI_APICallError",
      statusCode: 401,
      requestBodyValues: { input: "the customer's prompt" },
      responseHeaders: { "set-cookie": "session=abc" },
      responseBody: `{"error":{"message":"Incorrect API key provided: ${KEY}"}}`,
      cause: new Error(KEY),
    });

  it("keeps name, message and stack, redacted; drops every provider field and the cause", () => {
    const safe = withoutSecrets(providerError()) as Error;
    expect(safe.name).toBe("AI_APICallError");
    expect(safe.message).toBe("401 Incorrect API key provided: [redacted]");
    expect(Object.keys(safe).filter((key) => key !== "name")).toEqual([]);
    expect(safe.cause).toBeUndefined();
    expect(`${safe.stack}`).not.toContain(KEY);
    expect(`${safe.stack}`).toContain("secret-redaction.test.ts");
  });

  it("keeps terminal and retryable errors what they are", () => {
    const terminal = withoutSecrets(
      new TerminalError(`bad ${KEY}`, { errorCode: 401, metadata: { key: KEY } }),
    ) as TerminalError;
    expect(terminal).toBeInstanceOf(TerminalError);
    expect(terminal.code).toBe(401);
    expect(terminal.message).toBe("bad [redacted]");
    expect(terminal.metadata).toEqual({ key: "[redacted]" });
    const retryable = withoutSecrets(
      RetryableError.from(providerError(), { retryAfter: 1500 }),
    ) as RetryableError;
    expect(retryable).toBeInstanceOf(RetryableError);
    expect(retryable.retryAfter).toBe(1500);
    expect(retryable.cause).toBeUndefined();
  });

  it("is applied to every model failure the core classifies", () => {
    for (const failFast of [true, false]) {
      const classified = classifyModelFailure(providerError(), "openai/gpt-4o", failFast);
      expect(JSON.stringify(classified)).not.toContain(KEY);
      expect(String((classified as Error).stack)).not.toContain(KEY);
      expect((classified as Error).message).not.toContain(KEY);
    }
    const rateLimited = Object.assign(new Error(`429 slow down, ${KEY}`), {
      status: 429,
      headers: { "retry-after-ms": "250" },
    });
    const classified = classifyModelFailure(rateLimited, "gpt-4o", true) as RetryableError;
    expect(classified.retryAfter).toBe(250);
    expect(classified.message).toBe("gpt-4o: 429 slow down, [redacted] (HTTP 429)");
  });
});

describe("journaledHeaders", () => {
  it("keeps request ids and rate limits, drops cookies, auth and unknown headers", () => {
    expect(
      journaledHeaders({
        "X-Request-Id": "req_1",
        "x-ratelimit-remaining-requests": "99",
        "retry-after": "1",
        "set-cookie": "__cf_bm=abc",
        authorization: `Bearer ${KEY}`,
        "openai-organization": "org-123",
        "cf-ray": "8f",
      }),
    ).toEqual({
      "x-request-id": "req_1",
      "x-ratelimit-remaining-requests": "99",
      "retry-after": "1",
    });
    expect(journaledHeaders({ "set-cookie": "x" })).toBeUndefined();
  });

  it("withJournaledHeaders reduces a record's headers", () => {
    const record: { id: string; headers?: Record<string, string> } = {
      id: "r",
      headers: { "set-cookie": "x" },
    };
    expect(withJournaledHeaders(record)).toEqual({ id: "r" });
    expect(withJournaledHeaders({ ...record, headers: undefined })).toEqual({ id: "r" });
  });
});
