/**
 * Entry point of a child-process service served the way a serverless platform serves it: the
 * module's `services` behind `createEndpointHandler` of `@restatedev/restate-sdk/fetch` (request-
 * response mode), in a plain HTTP/1.1 server that turns each request into a fetch `Request` and
 * sends the whole `Response` back — what a Next.js route or a serverless function does. Prints one
 * `fetch-request <method> <path>` line per request, so a test can count how often Restate had to
 * invoke the endpoint again.
 */
import { createServer } from "node:http";
import type * as restate from "@restatedev/restate-sdk";
import { createEndpointHandler } from "@restatedev/restate-sdk/fetch";
import { answerPeakRss } from "./peak-rss.ts";

const modulePath = process.argv[2];
if (modulePath === undefined) throw new Error("usage: fetch-child-entry <service module>");
const mod = (await import(modulePath)) as {
  services?: restate.ServiceDefinition<string, unknown>[];
};
if (!Array.isArray(mod.services)) throw new Error(`${modulePath} must export \`services\``);
const handler = createEndpointHandler({ services: mod.services });

const server = createServer(async (req, res) => {
  console.log(`fetch-request ${req.method} ${req.url}`);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      headers.append(name, one);
    }
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const response = await handler(
    new Request(`http://${req.headers.host ?? "localhost"}${req.url}`, {
      method: req.method ?? "GET",
      headers,
      ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
    }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => {
  process.send?.({ type: "ready", port: Number(process.env.PORT) });
});
answerPeakRss();
