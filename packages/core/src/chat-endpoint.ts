/**
 * The chat endpoint: HTTP routes between a browser's `useChat` and Restate, as a fetch-style
 * handler (Next.js route handlers, Hono, Bun, Deno) and a Node `http` handler.
 *
 * - `POST {base}` starts a turn through the Restate ingress — idempotency key: the turn id, i.e.
 *   the id of the user message — and answers with the turn's UI message stream (SSE).
 * - `GET {base}/{chatId}/stream?startIndex=N` (or `Last-Event-ID: N-1`) continues the chat's
 *   current turn from chunk N; every SSE event's `id` is its offset.
 * - `POST {base}/{chatId}/stop` cancels the turn's invocation; the stream ends with `abort`.
 * - `POST {base}/{chatId}/approvals` answers a pending approval of the turn.
 * It keeps nothing itself: every chunk is read from the chat's `ChatStreams` object. Bad input is
 * answered with a 4xx naming the problem.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JournalValueCodec } from "@restatedev/restate-sdk";
import {
  type ApprovalAnswerResult,
  type ChatTurn,
  type ReadResult,
  type StopResult,
  TURN_HEADER,
  UI_STREAM_HEADERS,
} from "./chat-stream-protocol.js";
import { type IngressUrlList, IngressUrls } from "./ingress-failover.js";
import { ingressAnswer, ingressBody, ingressCodec } from "./ingress-json.js";

export interface ChatEndpointOptions {
  /**
   * The Restate ingress, e.g. `http://localhost:8080`; or the ingress of each node of a cluster
   * without a load balancer: a node that is down or breaks a read's connection is skipped, and the
   * stream goes on through the next one.
   */
  ingressUrl: IngressUrlList;
  /**
   * The handler that runs a turn, as an ingress path: `"Service/handler"` or
   * `"Object/<key>/handler"` (e.g. `` (turn) => `Chat/${turn.chatId}/turn` ``).
   */
  agent: (turn: ChatTurn) => string;
  /** Name of the `ChatStreams` object. Default `ChatStreams`. */
  streams?: string;
  /** Path the routes live under. Default `/api/chat`. */
  basePath?: string;
  /** Extra headers of the requests to the ingress. */
  headers?: Record<string, string>;
  /**
   * The services' journal codec (`await journalCodec()` with their keys) when they encrypt their
   * journals: requests are encrypted and answers decrypted with it. Default: the codec of this
   * process's `journalEncryption()`, if any.
   */
  journalValueCodec?: JournalValueCodec;
}

export interface ChatEndpoint {
  /** Answers a request to one of the routes; 404 for any other path. */
  fetch(request: Request): Promise<Response>;
  /** The same for a Node `http` server; calls `next` (or answers 404) for other paths. */
  node(req: IncomingMessage, res: ServerResponse, next?: () => void): void;
  /** Whether a path belongs to the endpoint. */
  matches(pathname: string): boolean;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function chatEndpoint(options: ChatEndpointOptions): ChatEndpoint {
  const ingress = new IngressUrls(options.ingressUrl, "chatEndpoint");
  const streams = options.streams ?? "ChatStreams";
  const base = (options.basePath ?? "/api/chat").replace(/\/$/, "");
  const extraHeaders = options.headers ?? {};

  const codec = ingressCodec(options.journalValueCodec);
  const call = async (path: string, body: unknown, init: RequestInit = {}): Promise<unknown> => {
    const response = await ingress
      .fetch(path, {
        method: "POST",
        ...init,
        headers: { "content-type": "application/json", ...extraHeaders, ...init.headers },
        body: ingressBody(body, await codec),
      })
      .catch((error: unknown) => {
        throw new HttpError(
          502,
          `The Restate ingress at ${ingress} is not reachable: ${String(error)}`,
        );
      });
    if (!response.ok) {
      const text = await response.text();
      const status = response.status >= 400 && response.status < 500 ? 400 : 502;
      throw new HttpError(status, `Restate answered ${response.status} for ${path}: ${text}`);
    }
    return ingressAnswer(response, await codec, `chat endpoint, ${path}`).catch((error) => {
      throw new HttpError(500, (error as Error).message);
    });
  };
  const store = (chatId: string, handler: string) =>
    `${streams}/${encodeURIComponent(chatId)}/${handler}`;
  const read = (chatId: string, from: number, turnId?: string, signal?: AbortSignal) =>
    call(store(chatId, "read"), turnId === undefined ? { from } : { from, turnId }, {
      ...(signal === undefined ? {} : { signal }),
    }) as Promise<ReadResult>;

  const sse = (
    chatId: string,
    turnId: string | undefined,
    from: number,
    first?: ReadResult | Promise<ReadResult>,
    firstReader?: AbortController,
  ) => {
    const encoder = new TextEncoder();
    const controller = new AbortController();
    let offset = from;
    let pending = first;
    let turn = turnId;
    const body = new ReadableStream<Uint8Array>({
      async pull(out) {
        const ended = (errorText: string) => {
          out.enqueue(encoder.encode(`data: ${JSON.stringify({ type: "error", errorText })}\n\n`));
          out.close();
        };
        let result: ReadResult;
        try {
          result = (await pending) ?? (await read(chatId, offset, turn, controller.signal));
        } catch (error) {
          // a broken connection ends the response (the client resumes); a misconfiguration
          // that a retry cannot fix ends the stream with its reason
          if (error instanceof HttpError && error.status === 500) return ended(error.message);
          throw error;
        }
        pending = undefined;
        if (result.kind !== "chunks") return ended(describe(result));
        turn = result.turnId;
        let text = result.chunks.length === 0 && !result.done ? ": waiting\n\n" : "";
        for (const chunk of result.chunks) {
          text += `id: ${offset}\ndata: ${JSON.stringify(chunk)}\n\n`;
          offset++;
        }
        if (result.done) text += "data: [DONE]\n\n";
        out.enqueue(encoder.encode(text));
        if (result.done) out.close();
      },
      cancel() {
        controller.abort();
        firstReader?.abort();
      },
    });
    return body;
  };

  const streamResponse = (
    body: ReadableStream<Uint8Array>,
    turnId: string,
    extra: Record<string, string> = {},
  ) =>
    new Response(body, {
      status: 200,
      headers: { ...UI_STREAM_HEADERS, [TURN_HEADER]: turnId, ...extra },
    });

  const startTurn = async (request: Request): Promise<Response> => {
    const body = await jsonBody(request);
    const { id: chatId, messages, trigger = "submit-message", messageId: _ignored, ...rest } = body;
    if (typeof chatId !== "string" || chatId === "")
      throw new HttpError(400, 'The body needs a chat "id" (a non-empty string).');
    if (!Array.isArray(messages) || messages.length === 0)
      throw new HttpError(400, 'The body needs "messages", a non-empty array of UI messages.');
    if (trigger !== "submit-message" && trigger !== "regenerate-message")
      throw new HttpError(400, `Unknown trigger ${JSON.stringify(trigger)}.`);
    const last = messages.at(-1) as { id?: unknown; role?: unknown } | null;
    if (
      last === null ||
      typeof last !== "object" ||
      last.role !== "user" ||
      typeof last.id !== "string" ||
      last.id === ""
    ) {
      throw new HttpError(
        400,
        "The last message must be a user message with an id: it names the turn.",
      );
    }
    const turnId = trigger === "regenerate-message" ? [last.id, randomUUID()].join("~") : last.id;
    const turn: ChatTurn = { chatId, turnId, messages, trigger, body: rest };
    const target = options.agent(turn);
    // the first read waits for the turn to open: start it with the turn, not after
    const reader = new AbortController();
    const first = read(chatId, 0, turnId, reader.signal);
    first.catch(() => {});
    let started: { invocationId?: string };
    try {
      started = (await call(`${target}/send`, turn, {
        headers: { "idempotency-key": turnId },
      })) as { invocationId?: string };
    } catch (error) {
      reader.abort();
      throw error;
    }
    return streamResponse(sse(chatId, turnId, 0, first, reader), turnId, {
      ...(started?.invocationId === undefined
        ? {}
        : { "x-restate-invocation-id": started.invocationId }),
    });
  };

  const resume = async (request: Request, chatId: string): Promise<Response> => {
    const url = new URL(request.url);
    const from = startIndexOf(
      url.searchParams.get("startIndex"),
      request.headers.get("last-event-id"),
    );
    const first = await read(chatId, from);
    if (first.kind === "unknown")
      throw new HttpError(404, `There is no stream for chat ${JSON.stringify(chatId)}.`);
    if (first.kind === "expired")
      throw new HttpError(
        410,
        `The stream of chat ${JSON.stringify(chatId)} (turn ${first.turnId}) has expired.`,
      );
    if (first.kind === "past-end") {
      throw new HttpError(
        416,
        `startIndex ${from} is past the end of the stream of chat ${JSON.stringify(chatId)}, which has ${first.tail} chunks.`,
      );
    }
    if (first.done && first.chunks.length === 0) return new Response(null, { status: 204 });
    return streamResponse(sse(chatId, first.turnId, from, first), first.turnId);
  };

  const stop = async (chatId: string): Promise<Response> => {
    const result = (await call(store(chatId, "stop"), {})) as StopResult;
    if (result.kind === "unknown")
      throw new HttpError(404, `There is no stream for chat ${JSON.stringify(chatId)}.`);
    if (result.kind === "finished")
      throw new HttpError(
        409,
        `The turn ${result.turnId} of chat ${JSON.stringify(chatId)} has already finished.`,
      );
    return Response.json(result);
  };

  const answer = async (request: Request, chatId: string): Promise<Response> => {
    const body = await jsonBody(request);
    if (
      typeof body.approvalId !== "string" ||
      typeof body.approved !== "boolean" ||
      (body.reason !== undefined && typeof body.reason !== "string")
    ) {
      throw new HttpError(
        400,
        'Expected { "approvalId": string, "approved": boolean, "reason"?: string }.',
      );
    }
    const result = (await call(store(chatId, "answerApproval"), {
      approvalId: body.approvalId,
      approved: body.approved,
      ...(body.reason === undefined ? {} : { reason: body.reason }),
    })) as ApprovalAnswerResult;
    if (result.kind === "unknown")
      throw new HttpError(
        404,
        `Chat ${JSON.stringify(chatId)} has no pending approval ${JSON.stringify(body.approvalId)}.`,
      );
    if (result.kind === "answered-before")
      throw new HttpError(
        409,
        `The approval ${JSON.stringify(body.approvalId)} was answered before.`,
      );
    return Response.json(result);
  };

  const route = (pathname: string): { action: string; chatId?: string } | undefined => {
    if (pathname === base) return { action: "start" };
    if (!pathname.startsWith(`${base}/`)) return undefined;
    const [chat, action, ...more] = pathname.slice(base.length + 1).split("/");
    if (chat === undefined || chat === "" || action === undefined || more.length > 0)
      return undefined;
    return { action, chatId: decodeURIComponent(chat) };
  };

  const fetchHandler = async (request: Request): Promise<Response> => {
    const target = route(new URL(request.url).pathname);
    try {
      if (target === undefined)
        throw new HttpError(404, `No chat route ${new URL(request.url).pathname}.`);
      const { action, chatId } = target;
      const allowed = action === "stream" ? "GET" : "POST";
      if (request.method !== allowed)
        throw new HttpError(405, `${request.method} is not allowed here; use ${allowed}.`);
      if (action === "start") return await startTurn(request);
      if (chatId === undefined) throw new HttpError(404, "No chat id.");
      if (action === "stream") return await resume(request, chatId);
      if (action === "stop") return await stop(chatId);
      if (action === "approvals") return await answer(request, chatId);
      throw new HttpError(404, `No chat route ${action}.`);
    } catch (error) {
      if (error instanceof HttpError)
        return Response.json({ error: error.message }, { status: error.status });
      return Response.json(
        { error: `The chat endpoint failed: ${String(error)}` },
        { status: 500 },
      );
    }
  };

  return {
    fetch: fetchHandler,
    matches: (pathname) => route(pathname) !== undefined,
    node(req, res, next) {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      if (route(url.pathname) === undefined && next !== undefined) {
        next();
        return;
      }
      void serveNode(req, res, url, fetchHandler);
    },
  };
}

async function serveNode(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  handler: (request: Request) => Promise<Response>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD" && chunks.length > 0;
  const response = await handler(
    new Request(url, { method, headers, ...(hasBody ? { body: Buffer.concat(chunks) } : {}) }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  } catch {
    // the client went away, or the ingress did: the client resumes from its last offset
  }
  res.end();
}

async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

function startIndexOf(query: string | null, lastEventId: string | null): number {
  const parse = (text: string, what: string) => {
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new HttpError(
        400,
        `${what} must be a non-negative integer, got ${JSON.stringify(text)}.`,
      );
    }
    return Number(text);
  };
  if (query !== null) return parse(query, "startIndex");
  if (lastEventId !== null) return parse(lastEventId, "Last-Event-ID") + 1;
  return 0;
}

function describe(result: ReadResult): string {
  if (result.kind === "unknown") return "The chat stream does not exist.";
  if (result.kind === "expired") return `The stream of turn ${result.turnId} has expired.`;
  if (result.kind === "past-end") return `The stream has only ${result.tail} chunks.`;
  return "unexpected";
}
