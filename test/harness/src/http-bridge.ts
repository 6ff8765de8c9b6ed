/**
 * Serves msw request handlers on a real loopback port.
 *
 * The services under test run in child processes (so tests can kill them), so the fakes they
 * talk to must be reachable over HTTP; msw's handlers and `getResponse` do the routing and
 * response building. A handler that answers `HttpResponse.error()`, or whose body stream errors,
 * drops the connection, as a broken network would.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { getResponse, type RequestHandler } from "msw";

export interface HttpBridge {
  origin: string;
  close(): Promise<void>;
}

export async function serveHandlers(
  handlers: (origin: string) => RequestHandler[],
): Promise<HttpBridge> {
  let routes: RequestHandler[] = [];
  let origin = "";
  const server: Server = createServer(async (req, res) => {
    try {
      const request = await toFetchRequest(req, origin);
      const response = await getResponse(routes, request);
      if (response === undefined) {
        res.writeHead(404, { "content-type": "text/plain" }).end(`no handler for ${req.url}`);
        return;
      }
      if (response.type === "error") {
        res.destroy();
        return;
      }
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body !== null) {
        for await (const chunk of response.body) res.write(chunk);
      }
      res.end();
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("bridge has no port");
  origin = `http://127.0.0.1:${address.port}`;
  routes = handlers(origin);
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function toFetchRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && chunks.length > 0;
  return new Request(`${origin}${req.url}`, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
}
