/**
 * The web chat's HTTP server: the built React app (`examples/web-chat`, built with Vite) and the
 * chat endpoint under `/api/chat`, which starts turns through the Restate ingress and streams
 * them from the `ChatStreams` log. It keeps no state: restart it, and the browser resumes.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chatEndpoint, type JournalValueCodec } from "@restate-ai/vercel-middleware";

export const webChatRoot = fileURLToPath(new URL("../../web-chat/", import.meta.url));
const dist = join(webChatRoot, "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

export interface WebChat {
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the React app into `examples/web-chat/dist` with Vite, in production mode — in a process
 * of its own, so the build does not depend on the caller's environment (e.g. a test runner's).
 */
export async function buildWebChat(): Promise<void> {
  const vitePackage = createRequire(import.meta.url).resolve("vite/package.json");
  const vite = join(dirname(vitePackage), "bin", "vite.js");
  await promisify(execFile)(process.execPath, [vite, "build"], {
    cwd: webChatRoot,
    env: { ...process.env, NODE_ENV: "production" },
  });
}

/** Serves the built app and the chat endpoint on `port` (0: a free one). */
export async function startWebChat(options: {
  /** The Restate ingress, or every node's of a cluster. */
  ingressUrl: string | string[];
  port: number;
  /** The agents' journal codec, when they encrypt journals (as `npm start` does). */
  journalValueCodec?: JournalValueCodec | undefined;
}): Promise<WebChat> {
  if (!existsSync(join(dist, "index.html"))) await buildWebChat();
  const endpoint = chatEndpoint({
    ingressUrl: options.ingressUrl,
    ...(options.journalValueCodec === undefined
      ? {}
      : { journalValueCodec: options.journalValueCodec }),
    agent: (turn) =>
      `${turn.body.agent === "agents" ? "WebChatAgents" : "WebChatVercel"}/${encodeURIComponent(turn.chatId)}/turn`,
  });
  const server: Server = createServer((req, res) =>
    endpoint.node(req, res, () => {
      const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
      const file = join(dist, path === "/" || !extname(path) ? "index.html" : path);
      if (!file.startsWith(dist)) {
        res.writeHead(403).end();
        return;
      }
      readFile(file).then(
        (body) =>
          res
            .writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" })
            .end(body),
        () => res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}`),
      );
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
