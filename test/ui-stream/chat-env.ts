/**
 * What the UI-stream suites share: the chat agents in a killable child process with a real
 * restate-server, the fake OpenAI API and the probe; the chat endpoint served from the test
 * process on a loopback port; and a client — the real `RestateChatTransport`, as `useChat` uses it.
 */
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { FakeOpenAI, Probe, RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import {
  type ChatEndpoint,
  chatEndpoint,
  journalCodec,
  parseJournalKeys,
} from "@restate-ai/vercel-middleware";
import { RestateChatTransport } from "@restate-ai/vercel-middleware/chat-transport";
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";

const chatAgents = fileURLToPath(new URL("./services/chat-agents.ts", import.meta.url));

/** Which turn handler: `streamText`, `DurableRunner`, or a `ToolLoopAgent`. */
export type Sdk = "vercel" | "agents" | "loop";

const HANDLERS: Record<string, string> = {
  vercel: "VercelChat",
  agents: "AgentsChat",
  loop: "LoopChat",
};

export interface ChatSuite {
  restate: RestateServer;
  probe: Probe;
  fake: FakeOpenAI;
  service: ServiceProcess;
}

export interface ChatEnv {
  suite: ChatSuite;
  /** The endpoint itself, for fetch-style requests (as a Next.js route handler gets them). */
  endpoint: ChatEndpoint;
  api: string;
  transport: RestateChatTransport;
  /** Starts a turn with a user message; returns the turn's chunk stream. */
  send(
    chatId: string,
    text: string,
    sdk: Sdk,
    body?: Record<string, unknown>,
  ): Promise<ReadableStream<UIMessageChunk>>;
  /** The state entries of the chat stream log of `chatId`. */
  storeState(chatId: string): Promise<{ key: string; bytes: number }[]>;
  /** Appends the chat's current turn took (counted by the log). */
  appends(chatId: string): Promise<number>;
  stop(): Promise<void>;
}

export interface ChatEnvOptions {
  /**
   * Journal keys of the agents' endpoint (`RESTATE_AI_JOURNAL_KEYS`): journals and state
   * encrypted. The chat endpoint gets their codec unless `endpointWithoutCodec`.
   */
  journalKeys?: string;
  endpointWithoutCodec?: boolean;
}

export async function startChatEnv(
  env: Record<string, string> = {},
  options: ChatEnvOptions = {},
): Promise<ChatEnv> {
  const [restate, probe, fake] = await Promise.all([
    RestateServer.start({ inactivityTimeout: "1s" }),
    Probe.start(),
    FakeOpenAI.start(),
  ]);
  // the agents append to the chat streams through the ingress
  const service = await ServiceProcess.start(chatAgents, {
    env: {
      ...fake.env(),
      PROBE_URL: probe.url,
      RESTATE_INGRESS_URL: restate.ingressUrl,
      ...(options.journalKeys === undefined
        ? {}
        : { RESTATE_AI_JOURNAL_KEYS: options.journalKeys }),
      ...env,
    },
  });
  await restate.register(service.url);
  const suite: ChatSuite = { restate, probe, fake, service };
  const codec =
    options.journalKeys === undefined || options.endpointWithoutCodec
      ? undefined
      : await journalCodec({ keys: parseJournalKeys(options.journalKeys) });
  const endpoint = chatEndpoint({
    ingressUrl: suite.restate.ingressUrl,
    ...(codec === undefined ? {} : { journalValueCodec: codec }),
    agent: (turn) =>
      `${HANDLERS[String(turn.body.agent)] ?? "VercelChat"}/${encodeURIComponent(turn.chatId)}/turn`,
  });
  const server: Server = createServer((req, res) => endpoint.node(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const api = `http://127.0.0.1:${address.port}/api/chat`;
  const transport = new RestateChatTransport({ api });
  return {
    suite,
    endpoint,
    api,
    transport,
    send: (chatId, text, sdk, body = {}) =>
      transport.sendMessages({
        chatId,
        trigger: "submit-message",
        messageId: undefined,
        abortSignal: undefined,
        messages: [
          {
            id: `m-${Math.random().toString(36).slice(2)}`,
            role: "user",
            parts: [{ type: "text", text }],
          },
        ],
        body: { agent: sdk, ...body },
      }),
    storeState: (chatId) =>
      suite.restate.query<{ key: string; bytes: number }>(
        `SELECT key, length(value) AS bytes FROM state WHERE service_name = 'ChatStreams' AND service_key = '${chatId}'`,
      ),
    appends: async (chatId) => {
      const [row] = await suite.restate.query<{ meta: string }>(
        `SELECT value_utf8 AS meta FROM state WHERE service_name = 'ChatStreams' AND service_key = '${chatId}' AND key = 'meta'`,
      );
      return (JSON.parse(row?.meta ?? "{}") as { appends?: number }).appends ?? 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.stop();
      await Promise.all([restate.stop(), probe.close(), fake.close()]);
    },
  };
}

/** Reads a chunk stream to its end, calling `each` on every chunk. */
export async function readAll(
  stream: ReadableStream<UIMessageChunk>,
  each: (chunk: UIMessageChunk, index: number) => void | Promise<void> = () => {},
): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    await each(chunk, chunks.length - 1);
  }
  return chunks;
}

/** The assistant message `useChat` renders from these chunks (the AI SDK's own reducer). */
export async function render(chunks: UIMessageChunk[]): Promise<UIMessage> {
  let last: UIMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  for await (const message of readUIMessageStream({ stream })) last = message;
  if (last === undefined) throw new Error("no message rendered");
  return last;
}

export function textOf(message: UIMessage): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/** Reads the SSE of a GET, with each event's id. */
export async function sseEvents(
  url: string,
): Promise<{ status: number; events: { id?: string; data: string }[] }> {
  const response = await fetch(url);
  if (!response.ok || response.body === null) return { status: response.status, events: [] };
  const text = await response.text();
  const events = text
    .split("\n\n")
    .filter((block) => block.includes("data: "))
    .map((block) => {
      const id = block.match(/^id: (.*)$/m)?.[1];
      const data = block.match(/^data: (.*)$/m)?.[1] ?? "";
      return id === undefined ? { data } : { id, data };
    });
  return { status: response.status, events };
}
