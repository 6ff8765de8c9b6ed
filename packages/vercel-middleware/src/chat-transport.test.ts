import { readFile } from "node:fs/promises";
import type { UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { ChatEndpointError, RestateChatTransport } from "./chat-transport.js";

const chunks: UIMessageChunk[] = [
  { type: "start", messageId: "m" },
  { type: "text-start", id: "t" },
  ...Array.from({ length: 6 }, (_, i) => ({
    type: "text-delta" as const,
    id: "t",
    delta: `${i} `,
  })),
  { type: "text-end", id: "t" },
  { type: "finish" },
];

/** An endpoint whose stream connections break after `breakAfter` events. */
function endpoint(breakAfter: number) {
  const requests: string[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    const href = String(url);
    requests.push(`${init?.method} ${href}`);
    if (href.endsWith("/stop"))
      return new Response(JSON.stringify({ error: "finished" }), { status: 409 });
    const from = Number(new URL(href, "http://x").searchParams.get("startIndex") ?? 0);
    const encoder = new TextEncoder();
    let sent = 0;
    let offset = from;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset === chunks.length) {
          controller.enqueue(encoder.encode("data: [DONE]\n\n"));
          controller.close();
        } else if (sent === breakAfter) {
          controller.error(new TypeError("network error"));
        } else {
          controller.enqueue(
            encoder.encode(`id: ${offset}\ndata: ${JSON.stringify(chunks[offset])}\n\n`),
          );
          offset++;
          sent++;
        }
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

async function readAll(stream: ReadableStream<UIMessageChunk>) {
  const out: UIMessageChunk[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe("RestateChatTransport", () => {
  it("resumes a dropped stream from the next offset: every chunk once", async () => {
    const server = endpoint(3);
    const transport = new RestateChatTransport({
      api: "http://chat/api/chat",
      fetch: server.fetch,
    });
    const stream = await transport.sendMessages({
      chatId: "c1",
      messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "hi" }] }],
      trigger: "submit-message",
      messageId: undefined,
      abortSignal: undefined,
    });
    expect(await readAll(stream)).toEqual(chunks);
    expect(server.requests).toEqual([
      "POST http://chat/api/chat",
      "GET http://chat/api/chat/c1/stream?startIndex=3",
      "GET http://chat/api/chat/c1/stream?startIndex=6",
      "GET http://chat/api/chat/c1/stream?startIndex=9",
    ]);
  });

  it("reconnects from the start of the turn, as a replay", async () => {
    const server = endpoint(100);
    const transport = new RestateChatTransport({ api: "/api/chat", fetch: server.fetch });
    expect(transport.resumeStreamIsReplay).toBe(true);
    const stream = await transport.reconnectToStream({ chatId: "a b" });
    expect(await readAll(stream as ReadableStream<UIMessageChunk>)).toEqual(chunks);
    expect(server.requests).toEqual(["GET /api/chat/a%20b/stream?startIndex=0"]);
  });

  it("gives up after maxReconnects and reports the endpoint's errors", async () => {
    const transport = new RestateChatTransport({ fetch: endpoint(0).fetch, maxReconnects: 1 });
    const stream = await transport.reconnectToStream({ chatId: "c" });
    await expect(readAll(stream as ReadableStream<UIMessageChunk>)).rejects.toThrow();
    expect(await transport.stop("c")).toBe(false);
    const failing = new RestateChatTransport({
      fetch: async () => Response.json({ error: "The body needs a chat id" }, { status: 400 }),
    });
    await expect(
      failing.respondToApproval({ chatId: "c", approvalId: "a", approved: true }),
    ).rejects.toThrow(new ChatEndpointError(400, "The body needs a chat id"));
  });

  it("is browser code: its build imports neither the Restate SDK nor Node modules", async () => {
    const built = await readFile(new URL("../dist/chat-transport.js", import.meta.url), "utf8");
    const imports = [...built.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports).toEqual(["eventsource-parser/stream"]);
  });
});
