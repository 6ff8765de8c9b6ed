/**
 * `durableCalls` / `durableEmbeds` against a real restate-server, with the real `@ai-sdk/openai`
 * provider talking to the fake OpenAI API, and the agent service killed with SIGKILL mid-run.
 */
import { fileURLToPath } from "node:url";
import {
  type AgentSuite,
  conversation,
  type ModelRequest,
  startAgentSuite,
} from "@restate-ai/test-harness";
import { modelCallSerde } from "@restate-ai/vercel-middleware";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const weatherAgent = fileURLToPath(new URL("./services/weather-agent.ts", import.meta.url));
const prompt = "What is the weather in Detroit?";

const weatherScript = conversation(
  { toolCalls: [{ name: "getWeather", args: { city: "Detroit" } }] },
  (request: ModelRequest) => ({
    text: `Here is the weather report for Detroit: ${request.toolOutputs[0]?.output}. Enjoy your day!`,
  }),
);
const expectedAnswer =
  'Here is the weather report for Detroit: {"city":"Detroit","temperature":21,"conditions":"sunny"}. Enjoy your day!';

type RunResult = { text: string; steps: { timestampIsDate: boolean; timestamp: string }[] };
type StreamResult = { text: string; streamed: string };

describe.each(["responses", "chat"] as const)("agent on the OpenAI %s API", (api) => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(weatherAgent, { env: { OPENAI_API_STYLE: api } });
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.fake.reset(weatherScript);
    suite.probe.reset();
  });

  it("generateText: a SIGKILL inside the tool step costs no extra LLM request", async () => {
    const crashed = suite.crashAt("weather");
    const id = await suite.restate.send("agent/run", prompt);
    await crashed;
    const result = await suite.restate.attach<RunResult>(id);
    expect(result.text).toBe(expectedAnswer);
    expect(suite.fake.count()).toBe(2);
    // The tool's ctx.run had not completed when the process died, so it ran again.
    expect(suite.probe.count("weather")).toBe(2);
    expect(suite.probe.unexpected).toEqual([]);
  });

  it("generateText: a step journaled before the crash never runs again", async () => {
    const crashed = suite.crashAt("weather journaled");
    const id = await suite.restate.send("agent/run", prompt);
    await crashed;
    expect((await suite.restate.attach<RunResult>(id)).text).toBe(expectedAnswer);
    expect(suite.fake.count()).toBe(2);
    expect(suite.probe.count("weather")).toBe(1);
  });

  it("streamText: a SIGKILL inside the tool step costs no extra LLM request", async () => {
    const clean = await suite.restate.call<StreamResult>("agent/stream", prompt);
    expect(suite.fake.count()).toBe(2);
    suite.fake.reset(weatherScript);

    const crashed = suite.crashAt("weather");
    const id = await suite.restate.send("agent/stream", prompt);
    await crashed;
    const replayed = await suite.restate.attach<StreamResult>(id);
    expect(suite.fake.count()).toBe(2);
    expect(suite.fake.requests.every((request) => request.stream)).toBe(true);
    expect(replayed.streamed).toBe(clean.streamed);
    expect(replayed.streamed).toBe(expectedAnswer);
    expect(replayed.text).toBe(expectedAnswer);
  });
});

describe("provider failures and the journal", () => {
  let suite: AgentSuite;
  beforeAll(async () => {
    suite = await startAgentSuite(weatherAgent, { env: { MAX_RETRY_ATTEMPTS: "3" } });
  });
  afterAll(() => suite.stop());
  beforeEach(() => {
    suite.fake.reset(weatherScript);
    suite.probe.reset();
  });

  it("a provider 500 on every attempt fails terminally after exactly maxRetryAttempts requests", async () => {
    suite.fake.reset(() => ({
      status: 500,
      message: "The server had an error processing your request.",
    }));
    const id = await suite.restate.send("agent/run", prompt);
    await expect(suite.restate.attach(id)).rejects.toThrow(
      /The server had an error processing your request/,
    );
    expect(suite.fake.count()).toBe(3);
    const invocation = await suite.restate.invocation(id);
    expect(invocation?.completion_result).toBe("failure");
  });

  it("a 401 fails terminally after exactly one request", async () => {
    suite.fake.reset(() => ({ status: 401, message: "Incorrect API key provided: sk-fake" }));
    const id = await suite.restate.send("agent/run", prompt);
    await expect(suite.restate.attach(id)).rejects.toThrow(
      /Incorrect API key provided.*\(HTTP 401\)/,
    );
    expect(suite.fake.count()).toBe(1);
  });

  it("a 401 while streaming fails terminally after exactly one request", async () => {
    suite.fake.reset(() => ({ status: 401, message: "Incorrect API key provided: sk-fake" }));
    await expect(suite.restate.call("agent/stream", prompt)).rejects.toThrow(/HTTP 401/);
    expect(suite.fake.count()).toBe(1);
  });

  it("generateText aborted by its caller ends at once: one request, the catch runs once", async () => {
    suite.fake.reset(() => ({ text: "late", latencyMs: 3000 }));
    const id = await suite.restate.send("agent/aborted", {
      prompt: "Weather in Oslo?",
      stream: false,
      abortAfterMs: 300,
    });
    expect(await suite.restate.attach(id)).toMatch(/^TerminalError: .*aborted by the caller/);
    expect(suite.fake.count()).toBe(1);
    expect(suite.probe.count("caught")).toBe(1);
    expect((await suite.restate.invocation(id))?.retry_count ?? 0).toBe(0);
  });

  it("streamText aborted mid-stream by its caller: the step fails for good, never retried", async () => {
    suite.fake.reset(() => ({ text: "a long answer ".repeat(40), eventDelayMs: 50 }));
    const id = await suite.restate.send("agent/aborted", {
      prompt: "Weather in Oslo?",
      stream: true,
      abortAfterMs: 300,
    });
    // streamText reports an abort as the signal's reason, as it always does
    expect(await suite.restate.attach(id)).toMatch(/^TimeoutError: /);
    const [step] = (await suite.restate.journal(id)).filter((e) => e.name.startsWith("stream "));
    expect(step?.failure?.message).toMatch(/aborted by the caller/);
    expect(suite.fake.count()).toBe(1);
    expect(suite.probe.count("caught")).toBe(1);
    expect((await suite.restate.invocation(id))?.retry_count ?? 0).toBe(0);
  });

  it("an uncaught stream abort ends the invocation with the journaled TerminalError", async () => {
    suite.fake.reset(() => ({ text: "a long answer ".repeat(40), eventDelayMs: 50 }));
    const id = await suite.restate.send("agent/aborted", {
      prompt: "Weather in Oslo?",
      stream: true,
      abortAfterMs: 300,
      rethrow: true,
    });
    await expect(suite.restate.attach(id)).rejects.toThrow(/aborted by the caller/);
    expect(suite.fake.count(), "the replay answers the step from the journal").toBe(1);
    expect((await suite.restate.invocation(id))?.completion_result).toBe("failure");
  });

  it("a stream dropped mid-response is retried, and only the complete step is journaled", async () => {
    let dropped = 0;
    suite.fake.reset((request) => {
      if (request.step === 1 && dropped++ === 0) {
        return { text: "This answer will be cut off halfway through.", breakAfterEvents: 6 };
      }
      return weatherScript(request);
    });
    const id = await suite.restate.send("agent/stream", prompt);
    const result = await suite.restate.attach<StreamResult>(id);
    expect(result.streamed).toBe(expectedAnswer);
    expect(suite.fake.count()).toBe(3);
    const streams = (await suite.restate.journal(id)).filter((e) => e.name.startsWith("stream "));
    expect(streams).toHaveLength(2);
    expect(streams.some((e) => e.result?.includes("cut off"))).toBe(false);
  });

  it("replays response timestamps as Dates and journals no raw bodies", async () => {
    const crashed = suite.crashAt("weather journaled");
    const id = await suite.restate.send("agent/run", prompt);
    await crashed;
    const result = await suite.restate.attach<RunResult>(id);
    expect(result.steps.map((step) => step.timestampIsDate)).toEqual([true, true]);
    expect(result.steps[0]?.timestamp).toMatch(/\.000Z$/); // the fake's created_at, not `new Date()`

    const calls = (await suite.restate.journal(id)).filter((e) => e.name.startsWith("calling "));
    expect(calls.map((e) => e.name)).toEqual(Array(2).fill("calling openai.responses"));
    for (const call of calls) {
      const journaled = modelCallSerde.deserialize(
        Buffer.from(call.result ?? "", "utf8"),
      ) as unknown as {
        request?: { body?: unknown };
        response: { timestamp: unknown; body?: unknown };
      };
      expect(journaled.response.timestamp).toBeInstanceOf(Date);
      expect(journaled.request?.body).toBeUndefined();
      expect(journaled.response.body).toBeUndefined();
    }
  });

  it("durableEmbeds: embedMany survives a crash without re-embedding", async () => {
    const crashed = suite.crashAt("store");
    const id = await suite.restate.send("agent/embed", ["sunny", "rainy", "windy"]);
    await crashed;
    expect(await suite.restate.attach(id)).toBe(3);
    expect(suite.fake.embeddingRequests).toHaveLength(1);
    expect(suite.probe.count("store")).toBe(2);
  });
});
