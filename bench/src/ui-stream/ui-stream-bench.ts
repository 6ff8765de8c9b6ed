/**
 * The UI-stream bench: what a chat UI sees, at the SSE client. The plain contender is
 * `streamText().toUIMessageStreamResponse()` over HTTP; ours runs the same `streamText` in a
 * Restate handler (`durableCalls`), publishes it to the `ChatStreams` log and serves it through
 * the chat endpoint. Per token load: time to the first text chunk at the client (from sending the
 * request), chunks per second over the stream, and — for ours — appends to the log per model step
 * (each append writes the pages it touches and one metadata entry).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { type RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import { chatEndpoint } from "@restate-ai/vercel-middleware";
import type { BenchPlan } from "../bench-plan.ts";
import type { UiStreamCell } from "../results.ts";
import { spread } from "../stats.ts";
import type { TokenLoad } from "./token-model.ts";

const plainEntry = fileURLToPath(new URL("./plain-ui-entry.ts", import.meta.url));
const durableServices = fileURLToPath(new URL("./durable-ui-services.ts", import.meta.url));

interface Sample {
  ttfcMs: number;
  chunks: number;
  chunksPerSecond: number;
}

export async function measureUiStream(
  restate: RestateServer,
  plan: BenchPlan,
  log: (line: string) => void,
): Promise<UiStreamCell[]> {
  const plain = await ServiceProcess.start(plainEntry, { guardNetwork: false, entry: plainEntry });
  const durable = await ServiceProcess.start(durableServices, {
    guardNetwork: false,
    env: { RESTATE_LOGGING: "WARN", RESTATE_INGRESS_URL: restate.ingressUrl },
  });
  await restate.register(durable.url);
  const endpoint = chatEndpoint({
    ingressUrl: restate.ingressUrl,
    agent: (turn) => `BenchChat/${turn.chatId}/turn`,
  });
  const server = createServer((req, res) => endpoint.node(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const api = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/api/chat`;
  const cells: UiStreamCell[] = [];
  try {
    for (const load of plan.uiStream.loads) {
      const samples = { plain: [] as Sample[], ours: [] as Sample[] };
      const appends: number[] = [];
      for (let rep = 0; rep < plan.uiStream.warmup + plan.uiStream.reps; rep++) {
        const plainSample = await sseRun(`${plain.url}/chat`, load, load.tokens);
        const chatId = `bench-${randomUUID()}`;
        const ourSample = await sseRun(api, chatBody(chatId, load), load.tokens);
        if (rep < plan.uiStream.warmup) continue;
        samples.plain.push(plainSample);
        samples.ours.push(ourSample);
        const [row] = await restate.query<{ meta: string }>(
          `SELECT value_utf8 AS meta FROM state WHERE service_name = 'ChatStreams' AND service_key = '${chatId}' AND key = 'meta'`,
        );
        appends.push((JSON.parse(row?.meta ?? "{}") as { appends: number }).appends);
      }
      for (const [contender, list] of Object.entries(samples)) {
        cells.push({
          contender: contender === "plain" ? "plain-ui-stream" : "ours-ui-stream",
          tokens: load.tokens,
          tokenMs: load.tokenMs,
          ttfcMs: spread(list.map((s) => s.ttfcMs)),
          chunksPerSecond: spread(list.map((s) => s.chunksPerSecond)),
          ...(contender === "ours" ? { appendsPerStep: spread(appends) } : {}),
        });
      }
      log(
        `UI stream, ${load.tokens} tokens ${load.tokenMs} ms apart: first chunk plain ${median(samples.plain, "ttfcMs")} ms, ours ${median(samples.ours, "ttfcMs")} ms; chunks/s plain ${median(samples.plain, "chunksPerSecond")}, ours ${median(samples.ours, "chunksPerSecond")}`,
      );
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.all([plain.stop(), durable.stop()]);
  }
  return cells;
}

function chatBody(chatId: string, load: TokenLoad) {
  return {
    id: chatId,
    messages: [{ id: randomUUID(), role: "user", parts: [{ type: "text", text: "Count" }] }],
    ...load,
  };
}

/** POSTs and reads the SSE to its end: time to the first text delta, chunks per second. */
async function sseRun(url: string, body: unknown, tokens: number): Promise<Sample> {
  const started = performance.now();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok || response.body === null) {
    throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  }
  const decoder = new TextDecoder();
  let buffer = "";
  let first: number | undefined;
  let firstChunk: number | undefined;
  let last = started;
  let chunks = 0;
  let deltas = 0;
  for await (const bytes of response.body) {
    buffer += decoder.decode(bytes, { stream: true });
    const events = buffer.split("\n\n");
    buffer = events.pop() ?? "";
    const now = performance.now();
    for (const event of events) {
      const data = event.split("\n").find((line) => line.startsWith("data: "));
      if (data === undefined || data === "data: [DONE]") continue;
      chunks++;
      firstChunk ??= now;
      last = now;
      if (data.includes('"text-delta"')) {
        deltas++;
        first ??= now;
      }
    }
  }
  if (first === undefined || firstChunk === undefined || deltas !== tokens) {
    throw new Error(`${url}: expected ${tokens} text deltas, got ${deltas}`);
  }
  const seconds = Math.max(last - firstChunk, 1) / 1000;
  return { ttfcMs: first - started, chunks, chunksPerSecond: chunks / seconds };
}

function median(samples: Sample[], key: keyof Sample): string {
  return spread(samples.map((s) => s[key])).median.toFixed(1);
}
