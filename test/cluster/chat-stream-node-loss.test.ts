/**
 * A chat's durable UI stream on a 3-node cluster that loses a node (SIGKILL) in the middle of an
 * answer, for both SDKs. One node is everything at once: it leads the chat's partition (the turn
 * and its `ChatStreams` log), the chat endpoint reads through it, the publisher appends through
 * it. Both are given every node's ingress. The client's stream goes on through another node:
 * every chunk once, offsets contiguous, the message the same as without the loss. The journaled
 * tool step is not repeated; the model step in flight may be (the new leader runs it again), and
 * then the log holds one `reset-step` per repeat. A client that reloads afterwards, through
 * any node, gets the same chunks.
 */
import { fileURLToPath } from "node:url";
import {
  type AgentSuite,
  type ModelRequest,
  outputOf,
  type RestateCluster,
  type Script,
  startClusterAgentSuite,
} from "@restate-ai/test-harness";
import { type ChatEndpoint, chatEndpoint } from "@restate-ai/vercel-middleware";
import type { UIMessageChunk } from "ai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mismatchCollector, quickRetries } from "../reliability/reliability-env.ts";
import { render, type Sdk, textOf } from "../ui-stream/chat-env.ts";
import { busiestLeader } from "./cluster-env.ts";

const chatAgents = fileURLToPath(new URL("../ui-stream/services/chat-agents.ts", import.meta.url));
const HANDLERS: Record<Sdk, string> = { vercel: "VercelChat", agents: "AgentsChat", loop: "" };
const answer = Array.from({ length: 60 }, (_, i) => `w${i}`).join(" ");
const weatherTool = (sdk: Sdk) => (sdk === "agents" ? "get_weather" : "getWeather");
/** Chats started until one lands on a partition the victim leads. */
const PLACEMENT_TRIES = 12;

let suite: AgentSuite<RestateCluster>;
const mismatches: string[] = [];

beforeAll(async () => {
  suite = await startClusterAgentSuite(chatAgents, {
    cluster: { inactivityTimeout: "4s", env: quickRetries, readyTimeoutMs: 90_000 },
    onServiceOutput: mismatchCollector(mismatches),
  });
}, 120_000);
afterEach(async () => {
  for (const node of suite?.restate.nodes ?? []) {
    if (!node.running) await suite.restate.restart(node.id);
  }
}, 90_000);
afterAll(() => suite?.stop());

/** A chat endpoint that prefers node `first`, then the others. */
function endpointVia(first: number): { endpoint: ChatEndpoint; ingressUrls: string[] } {
  const cluster = suite.restate;
  const ingressUrls = [
    cluster.node(first).ingressUrl,
    ...cluster.nodes.filter((n) => n.id !== first).map((n) => n.ingressUrl),
  ];
  const endpoint = chatEndpoint({
    ingressUrl: ingressUrls,
    agent: (turn) => `${HANDLERS[turn.body.agent as Sdk]}/${encodeURIComponent(turn.chatId)}/turn`,
  });
  return { endpoint, ingressUrls };
}

/**
 * Weather first, then a long streamed answer, for the chat that `chosen` names once it is
 * decided; a short answer for the chats started on the way there. Every request waits for it.
 */
function script(sdk: Sdk, decided: Promise<string>): Script {
  return async (request: ModelRequest) => {
    const chosen = await decided;
    if (!request.userText.includes(`(chat ${chosen})`)) return { text: "placed elsewhere" };
    return request.step === 0
      ? { toolCalls: [{ name: weatherTool(sdk), args: { city: "Detroit" } }] }
      : {
          text: `${answer} ${outputOf(request, weatherTool(sdk)) === undefined ? "?" : "sunny"}`,
          eventDelayMs: 40,
        };
  };
}

const startRequest = (chatId: string, sdk: Sdk, ingressUrls: string[]) =>
  new Request("http://chat.local/api/chat", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id: chatId,
      trigger: "submit-message",
      messages: [
        {
          id: `u-${chatId}`,
          role: "user",
          parts: [{ type: "text", text: `Weather in Detroit? (chat ${chatId})` }],
        },
      ],
      agent: sdk,
      ingressUrls,
      flushIntervalMs: 20,
    }),
  });

/** SSE events of a response body, as they arrive. */
async function* events(response: Response): AsyncIterable<{ id?: number; data: string }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      if (data !== undefined) yield id === undefined ? { data } : { id: Number(id), data };
      end = buffer.indexOf("\n\n");
    }
  }
}

describe.each(["vercel", "agents"] as const)("%s chat", (sdk) => {
  it("loses the node it is led by, read through and published through: the stream goes on through another, every chunk once", {
    timeout: 240_000,
  }, async () => {
    const cluster = suite.restate;
    const victim = await busiestLeader(cluster);
    const { endpoint, ingressUrls } = endpointVia(victim);
    const decided = Promise.withResolvers<string>();
    suite.fake.reset(script(sdk, decided.promise));
    suite.probe.reset();

    let chatId = "";
    let response: Response | undefined;
    let invocationId = "";
    for (let i = 0; i < PLACEMENT_TRIES && response === undefined; i++) {
      chatId = `loss-${sdk}-${i}-${Date.now()}`;
      const started = await endpoint.fetch(startRequest(chatId, sdk, ingressUrls));
      expect(started.status).toBe(200);
      invocationId = started.headers.get("x-restate-invocation-id") ?? "";
      if ((await cluster.leaderOf(invocationId)) === victim) {
        response = started;
        break;
      }
      // not on the victim: it answers briefly once the chat is chosen
      await started.body?.cancel();
    }
    decided.resolve(chatId);
    if (response === undefined) throw new Error(`no chat landed on node ${victim}'s partitions`);

    const received: { id?: number; data: string }[] = [];
    let deltas = 0;
    for await (const event of events(response)) {
      received.push(event);
      if (event.data !== "[DONE]" && JSON.parse(event.data).type === "text-delta") {
        if (++deltas === 10) await cluster.kill(victim);
      }
    }
    expect(cluster.node(victim).running).toBe(false);

    const ids = received.flatMap((e) => (e.id === undefined ? [] : [e.id]));
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(received.at(-1)?.data).toBe("[DONE]");
    const chunks = received
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data) as UIMessageChunk);
    expect(textOf(await render(chunks))).toBe(`${answer} sunny`);

    const turnRequests = suite.fake.requests.filter((r) => r.userText.includes(`(chat ${chatId})`));
    const answerRequests = turnRequests.filter((r) => r.step === 1).length;
    expect(turnRequests.filter((r) => r.step === 0)).toHaveLength(1);
    // the step in flight repeats once per attempt the loss ended (leadership can move more than
    // once before it settles); each repeat supersedes the partial one in the client's message
    expect(answerRequests).toBeGreaterThanOrEqual(1);
    const resets = chunks.filter((c) => c.type === "reset-step").length;
    expect(resets).toBe(answerRequests - 1);
    expect(chunks.filter((c) => c.type === "tool-output-available")).toHaveLength(1);
    expect(suite.probe.count("weather")).toBe(1);

    const turn = await cluster.waitFor(invocationId, (row) => row.status === "completed", 60_000);
    expect(turn.completion_result).toBe("success");
    expect(mismatches).toEqual([]);

    // a reload, through any node, shows the same chunks
    const survivor = cluster.liveNode().id;
    const reload = await endpointVia(survivor).endpoint.fetch(
      new Request(`http://chat.local/api/chat/${chatId}/stream?startIndex=0`),
    );
    const replayed: string[] = [];
    for await (const event of events(reload)) replayed.push(event.data);
    expect(replayed).toEqual(received.map((e) => e.data));
  });
});
