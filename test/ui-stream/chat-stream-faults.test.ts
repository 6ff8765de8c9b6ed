/**
 * Durable chat streams under faults, against a real restate-server: the agents' process is
 * SIGKILLed in the middle of a model stream and in a tool, the turn is stopped, approvals suspend
 * it. Counts model requests at the fake OpenAI API, side effects at the probe, chunks at the client.
 */
import { type ModelRequest, outputOf, type Script } from "@restate-ai/test-harness";
import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ChatEnv,
  readAll,
  render,
  type Sdk,
  sseEvents,
  startChatEnv,
  textOf,
} from "./chat-env.ts";

const words = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}${i}`).join(" ");
const answer = words(30, "w");
const weatherTool = (sdk: Sdk) => (sdk === "agents" ? "get_weather" : "getWeather");

let env: ChatEnv;
beforeAll(async () => {
  env = await startChatEnv();
});
afterAll(() => env.stop());
beforeEach(() => {
  env.suite.probe.reset();
});

const count = (chunks: UIMessageChunk[], type: string) =>
  chunks.filter((c) => c.type === type).length;

/** Weather first, then a long answer that quotes the tool's output. */
const weatherThenAnswer =
  (sdk: Sdk): Script =>
  (request: ModelRequest) =>
    request.step === 0
      ? { toolCalls: [{ name: weatherTool(sdk), args: { city: "Detroit" } }] }
      : {
          text: `${answer} ${outputOf(request, weatherTool(sdk)) === undefined ? "?" : "sunny"}`,
          eventDelayMs: 30,
        };

async function turnOf(chatId: string) {
  const [turn] = await env.suite.restate.invocations(`target LIKE '%Chat/${chatId}/turn'`);
  if (turn === undefined) throw new Error(`no turn of ${chatId}`);
  return turn;
}

describe.each(["vercel", "agents"] as const)("%s agent", (sdk) => {
  it("3. crash mid-stream: the partial step is superseded, the message ends as a fault-free run's, once", async () => {
    env.suite.fake.reset(weatherThenAnswer(sdk));
    const clean = await render(
      await readAll(await env.send(`clean-${sdk}`, "Weather in Detroit?", sdk)),
    );
    env.suite.fake.reset(weatherThenAnswer(sdk));

    const chatId = `crash-${sdk}`;
    let deltas = 0;
    const chunks = await readAll(
      await env.send(chatId, "Weather in Detroit?", sdk),
      async (chunk) => {
        if (chunk.type === "text-delta" && ++deltas === 5) {
          await env.suite.service.kill();
          await env.suite.service.restart();
        }
      },
    );
    const message = await render(chunks);
    expect(textOf(message)).toBe(textOf(clean));
    expect(textOf(message)).toBe(`${answer} sunny`);
    expect(message.parts.map((p) => p.type)).toEqual(clean.parts.map((p) => p.type));
    expect(count(chunks, "reset-step")).toBe(1);
    // the journaled first step was not sent again: one tool call, one result, one start
    expect(count(chunks, "tool-input-available")).toBe(1);
    expect(count(chunks, "tool-output-available")).toBe(1);
    expect(count(chunks, "start")).toBe(1);
    expect(env.suite.fake.count()).toBe(3); // step 0 once, step 1 twice (the crashed attempt, the retry)
    expect(env.suite.probe.count("weather")).toBe(2); // once per run
    // a client that reloads now gets the same message from the log
    const replay = await sseEvents(`${env.api}/${chatId}/stream`);
    const logged = replay.events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    expect(logged).toEqual(chunks);
    expect((await turnOf(chatId)).completion_result).toBe("success");
  });

  it("4. replay does not re-publish: a crash in the tool replays the journaled step, adding nothing", async () => {
    env.suite.fake.reset(weatherThenAnswer(sdk));
    const chatId = `replay-${sdk}`;
    let killed = false;
    env.suite.probe.gate("weather", async () => {
      env.suite.probe.ungate("weather");
      killed = true;
      await env.suite.service.kill();
      void env.suite.service.restart();
    });
    const chunks = await readAll(await env.send(chatId, "Weather in Detroit?", sdk));
    expect(killed).toBe(true);
    expect(env.suite.probe.count("weather")).toBe(2); // the tool's step had not completed
    expect(env.suite.fake.count()).toBe(2); // the model step before it was replayed
    expect(count(chunks, "reset-step")).toBe(0);
    expect(count(chunks, "start")).toBe(1);
    expect(count(chunks, "start-step")).toBe(2);
    expect(count(chunks, "tool-input-available")).toBe(1);
    expect(count(chunks, "tool-output-available")).toBe(1);
    expect(textOf(await render(chunks))).toBe(`${answer} sunny`);
  });

  it("5. stop: cancels the invocation, the stream ends with abort, no model request after it", async () => {
    env.suite.fake.reset((request) =>
      request.step === 0 ? { text: words(60, "slow"), eventDelayMs: 60 } : { text: "never asked" },
    );
    const chatId = `stop-${sdk}`;
    let requestsAtStop = -1;
    let deltas = 0;
    const chunks = await readAll(
      await env.send(chatId, "Tell me a long story", sdk),
      async (chunk) => {
        if (chunk.type === "text-delta" && ++deltas === 3) {
          requestsAtStop = env.suite.fake.count();
          expect(await env.transport.stop(chatId)).toBe(true);
        }
      },
    );
    expect(chunks.slice(-2)).toEqual([
      { type: "data-stopped", data: { reason: "stopped by the user" } },
      { type: "abort", reason: "stopped" },
    ]);
    const turn = await env.suite.restate.waitFor(
      (await turnOf(chatId)).id,
      (row) => row.status === "completed",
    );
    expect(turn.completion_result).toBe("failure");
    expect(turn.completion_failure).toMatch(/cancel/i);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(env.suite.fake.count()).toBe(requestsAtStop);
    expect(await env.transport.stop(chatId)).toBe(false);
  });

  it.each([true, false])(
    "6. approvals in the UI (approved: %s): suspended while waiting, shown after a reload",
    async (approved) => {
      env.suite.fake.reset((request) =>
        request.step === 0
          ? { toolCalls: [{ name: "refund", args: { amount: 120 } }] }
          : { text: `Done: ${outputOf(request, "refund") ?? "nothing"}` },
      );
      const chatId = `approval-${sdk}-${approved}`;
      const stream = await env.send(chatId, "Refund 120 EUR", sdk);
      const reader = stream.getReader();
      const seen: UIMessageChunk[] = [];
      while (!seen.some((c) => c.type === "tool-approval-request"))
        seen.push((await reader.read()).value as UIMessageChunk);
      const request = seen.at(-1) as { approvalId: string; toolCallId: string };
      expect(env.suite.probe.list("approval requested")[0]?.data).toMatchObject({
        awakeableId: request.approvalId,
      });
      await env.suite.restate.waitFor(
        (await turnOf(chatId)).id,
        (row) => row.status === "suspended",
      );
      // a reload while waiting shows the pending request
      const reloaded = await env.transport.reconnectToStream({ chatId });
      const again: UIMessageChunk[] = [];
      const reloadReader = (reloaded as ReadableStream<UIMessageChunk>).getReader();
      while (again.length < seen.length)
        again.push((await reloadReader.read()).value as UIMessageChunk);
      await reloadReader.cancel();
      expect(again).toEqual(seen);
      const pending = await render(again);
      expect(pending.parts.find((p) => "approval" in p)).toMatchObject({
        state: "approval-requested",
        approval: { id: request.approvalId },
      });

      await env.transport.respondToApproval({ chatId, approvalId: request.approvalId, approved });
      const rest: UIMessageChunk[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest.push(value);
      }
      const chunks = [...seen, ...rest];
      const message = await render(chunks);
      const part = message.parts.find(
        (p) => "toolCallId" in p && p.toolCallId === request.toolCallId,
      );
      expect(part).toMatchObject({
        state: approved ? "output-available" : "output-denied",
        approval: { id: request.approvalId, approved },
      });
      expect(env.suite.probe.count("refund")).toBe(approved ? 1 : 0);
      expect(textOf(message)).toMatch(approved ? /^Done: .*refunded 120/ : /^Done: /);
      // the suspension's replay added nothing: one request, one answer, one start
      expect(count(chunks, "tool-approval-request")).toBe(1);
      expect(count(chunks, "tool-approval-response")).toBe(1);
      expect(count(chunks, "start")).toBe(1);
      expect(count(chunks, "tool-input-available")).toBe(1);
      const answerAgain = await fetch(`${env.api}/${chatId}/approvals`, {
        method: "POST",
        body: JSON.stringify({ approvalId: request.approvalId, approved: true }),
      });
      expect(answerAgain.status).toBe(409);
    },
  );
});
