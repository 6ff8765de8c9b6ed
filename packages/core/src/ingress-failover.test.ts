import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { IngressUrls } from "./ingress-failover.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/**
 * A loopback server answering every request with `status` and its own name, or breaking the
 * connection (`status` 0); records the paths it was asked for.
 */
async function node(name: string, status = 200) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? "");
    if (status === 0) return req.socket.destroy();
    res.writeHead(status).end(name);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { url: `http://127.0.0.1:${address.port}`, seen };
}

/** A URL nothing listens on. */
async function deadUrl() {
  const { url } = await node("dead");
  await new Promise((resolve) => servers.pop()?.close(resolve));
  return url;
}

describe("IngressUrls", () => {
  it("skips a node that is down and keeps using the one that answered", async () => {
    const dead = await deadUrl();
    const alive = await node("n2");
    const urls = new IngressUrls([dead, `${alive.url}/`], "test");
    expect(await (await urls.fetch("a", {})).text()).toBe("n2");
    expect(await (await urls.fetch("b", {})).text()).toBe("n2");
    expect(alive.seen).toEqual(["/a", "/b"]);
  });

  it("goes on after a node breaks the connection, and after 502 / 503 / 504", async () => {
    const breaking = await node("n1", 0);
    const unavailable = await node("n2", 503);
    const alive = await node("n3");
    const urls = new IngressUrls([breaking.url, unavailable.url, alive.url].join(","), "test");
    expect(await (await urls.fetch("x", {})).text()).toBe("n3");
    expect([breaking.seen, unavailable.seen, alive.seen]).toEqual([["/x"], ["/x"], ["/x"]]);
  });

  it("answers the last node's error status, and throws when no node is reachable", async () => {
    const unavailable = await node("n1", 503);
    const urls = new IngressUrls([unavailable.url], "test");
    expect((await urls.fetch("a", {})).status).toBe(503);
    const nowhere = new IngressUrls([await deadUrl(), await deadUrl()], "test");
    await expect(nowhere.fetch("a", {})).rejects.toThrow(/fetch failed/);
  });

  it("stops at once when the caller aborts", async () => {
    const dead = await deadUrl();
    const alive = await node("n2");
    const controller = new AbortController();
    controller.abort();
    const urls = new IngressUrls([dead, alive.url], "test");
    await expect(urls.fetch("a", { signal: controller.signal })).rejects.toThrow();
    expect(alive.seen).toEqual([]);
  });

  it("names a bad configuration", () => {
    expect(() => new IngressUrls([], "chatEndpoint")).toThrow(
      "chatEndpoint: no Restate ingress URL given",
    );
    expect(() => new IngressUrls("http://a:8080, nope", "chatEndpoint")).toThrow(
      'chatEndpoint: "nope" is not a URL',
    );
  });
});
