/**
 * Child-process entry of the plain UI-stream contender: `streamText(...).toUIMessageStreamResponse()`
 * over plain HTTP, no Restate — what a Next.js route handler does. `POST /chat` with a token load.
 */
import { createServer } from "node:http";
import { answerPeakRss } from "@restate-ai/test-harness/peak-rss";
import { streamText } from "ai";
import { type TokenLoad, tokenModel } from "./token-model.ts";

const server = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const load = JSON.parse(Buffer.concat(chunks).toString()) as TokenLoad;
  const result = streamText({ model: tokenModel(load), prompt: "Count", maxRetries: 0 });
  const answer = result.toUIMessageStreamResponse();
  response.writeHead(answer.status, Object.fromEntries(answer.headers));
  for await (const chunk of answer.body ?? []) response.write(chunk);
  response.end();
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => {
  process.send?.({ type: "ready" });
});
answerPeakRss();
