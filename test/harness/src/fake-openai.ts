/**
 * A fake OpenAI API, built from msw handlers and served on a loopback port, so the real provider
 * clients (`@ai-sdk/openai`, `openai` under `@openai/agents-openai`) run end to end against it.
 *
 * It answers Chat Completions and Responses calls (JSON or SSE) from a {@link Script}, embeddings
 * deterministically, can answer with HTTP errors, and records every request it receives, so tests
 * can count LLM calls across crashes and retries.
 */
import { HttpResponse, http } from "msw";
import {
  isErrorReply,
  type ModelRequest,
  type ModelTurn,
  parseModelRequest,
  type Reply,
  type Script,
} from "./conversation.ts";
import { serveHandlers } from "./http-bridge.ts";
import {
  chatCompletion,
  chatCompletionChunks,
  embeddings,
  errorBody,
  responsesEvents,
  responsesResponse,
  type SseEvent,
} from "./openai-wire.ts";

export interface RecordedRequest extends ModelRequest {
  /** HTTP status the fake answered with. */
  status: number;
  /** The request's `Authorization` header. */
  authorization: string | null;
  /** When the request arrived (`Date.now()`). */
  at: number;
}

export interface EmbeddingRequest {
  model: string;
  inputs: string[];
  status: number;
}

export class FakeOpenAI {
  /** Every model request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  readonly embeddingRequests: EmbeddingRequest[] = [];
  /** Requests to endpoints the fake does not implement. */
  readonly unknown: string[] = [];
  /** Answers embedding calls; return an error reply to fail them. */
  embeddingReply: (inputs: string[]) => ErrorOrNothing = () => undefined;

  script: Script;
  readonly origin: string;
  private readonly closeBridge: () => Promise<void>;

  private constructor(script: Script, origin: string, closeBridge: () => Promise<void>) {
    this.script = script;
    this.origin = origin;
    this.closeBridge = closeBridge;
  }

  static async start(script: Script = () => ({ text: "ok" })): Promise<FakeOpenAI> {
    let fake: FakeOpenAI | undefined;
    const bridge = await serveHandlers((origin) => [
      http.post(`${origin}/v1/chat/completions`, async ({ request }) =>
        fake?.answer("chat", request),
      ),
      http.post(`${origin}/v1/responses`, async ({ request }) =>
        fake?.answer("responses", request),
      ),
      http.post(`${origin}/v1/embeddings`, async ({ request }) =>
        fake?.embed((await request.json()) as { model: string; input: string | string[] }),
      ),
      http.all(`${origin}/*`, ({ request }) => {
        fake?.unknown.push(`${request.method} ${request.url}`);
        return HttpResponse.json(errorBody(404, `fake OpenAI: no route ${request.url}`), {
          status: 404,
        });
      }),
    ]);
    fake = new FakeOpenAI(script, bridge.origin, bridge.close);
    return fake;
  }

  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  /** Environment that points the OpenAI clients of a service at this fake. */
  env(): Record<string, string> {
    return { OPENAI_BASE_URL: this.baseUrl, OPENAI_API_KEY: "sk-fake-for-tests" };
  }

  /** Number of model requests, optionally only those matching `filter`. */
  count(filter?: (request: RecordedRequest) => boolean): number {
    return filter === undefined ? this.requests.length : this.requests.filter(filter).length;
  }

  reset(script?: Script): void {
    if (script !== undefined) this.script = script;
    this.requests.length = 0;
    this.embeddingRequests.length = 0;
    this.unknown.length = 0;
  }

  close(): Promise<void> {
    return this.closeBridge();
  }

  private async answer(api: "chat" | "responses", http: Request) {
    const at = Date.now();
    const request = parseModelRequest(api, (await http.json()) as Record<string, unknown>);
    const reply: Reply = await this.script(request);
    this.requests.push({
      ...request,
      status: isErrorReply(reply) ? reply.status : 200,
      authorization: http.headers.get("authorization"),
      at,
    });
    if (isErrorReply(reply)) {
      return HttpResponse.json(errorBody(reply.status, reply.message), {
        status: reply.status,
        ...(reply.headers === undefined ? {} : { headers: reply.headers }),
      });
    }
    if (reply.latencyMs !== undefined) await sleep(reply.latencyMs);
    if (!request.stream) {
      return HttpResponse.json(
        api === "chat" ? chatCompletion(reply, request) : responsesResponse(reply, request),
        reply.headers === undefined ? {} : { headers: reply.headers },
      );
    }
    const events =
      api === "chat" ? chatCompletionChunks(reply, request) : responsesEvents(reply, request);
    return new HttpResponse(sseStream(events, reply), {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        ...reply.headers,
      },
    });
  }

  private embed(body: { model: string; input: string | string[] }) {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const failure = this.embeddingReply(inputs);
    this.embeddingRequests.push({ model: body.model, inputs, status: failure?.status ?? 200 });
    if (failure !== undefined) {
      return HttpResponse.json(errorBody(failure.status, failure.message), {
        status: failure.status,
      });
    }
    return HttpResponse.json(embeddings(inputs, body.model));
  }
}

type ErrorOrNothing = { status: number; message?: string } | undefined;

function sseStream(events: SseEvent[], turn: ModelTurn): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (turn.breakAfterEvents !== undefined && sent >= turn.breakAfterEvents) {
        controller.error(new Error("fake OpenAI: connection dropped mid-stream"));
        return;
      }
      const next = events[sent++];
      if (next === undefined) {
        controller.close();
        return;
      }
      if (turn.eventDelayMs !== undefined && sent > 1) await sleep(turn.eventDelayMs);
      const data = typeof next.data === "string" ? next.data : JSON.stringify(next.data);
      const head = next.event === undefined ? "" : `event: ${next.event}\n`;
      controller.enqueue(encoder.encode(`${head}data: ${data}\n\n`));
    },
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
