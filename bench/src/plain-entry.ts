/**
 * Child-process entry of the plain (no Restate) contenders: serves the module's `handlers` over
 * plain HTTP (`POST /<handler>` with a JSON body) on `$PORT`, so they are driven and measured like
 * the durable ones (`ServiceProcess` with this as `entry`).
 */
import { createServer } from "node:http";
import { answerPeakRss } from "@restate-ai/test-harness/peak-rss";

type Handler = (input: never) => Promise<unknown>;

const modulePath = process.argv[2];
if (modulePath === undefined) throw new Error("usage: plain-entry <module exporting handlers>");
const { handlers } = (await import(modulePath)) as { handlers: Record<string, Handler> };

const server = createServer(async (request, response) => {
  const handler = handlers[(request.url ?? "").slice(1)];
  if (request.method !== "POST" || handler === undefined) {
    response.writeHead(404).end();
    return;
  }
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const output = await handler(JSON.parse(Buffer.concat(chunks).toString()) as never);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(output));
  } catch (error) {
    response.writeHead(500).end(String((error as Error).stack));
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => {
  process.send?.({ type: "ready" });
});
answerPeakRss();
