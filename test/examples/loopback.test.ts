/**
 * `npm start` listens on loopback only: restate-server's ingress, admin and node ports and the
 * examples endpoint accept no connection from another machine (read from the kernel's socket
 * table, /proc/net/tcp and tcp6, while the local stack runs).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@restate-ai/test-harness";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type LocalStack, ports, startLocalStack } from "../../examples/src/demo/local-stack.ts";

let dataDir: string;
let stack: LocalStack;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "restate-loopback-"));
  process.env.RESTATE_INGRESS_PORT = String(await freePort());
  process.env.RESTATE_ADMIN_PORT = String(await freePort());
  process.env.RESTATE_NODE_PORT = String(await freePort());
  process.env.EXAMPLES_PORT = String(await freePort());
  stack = await startLocalStack({ dataDir, env: { OPENAI_API_KEY: "" } });
});

afterAll(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Local addresses (hex, as the kernel prints them) of the sockets listening on `port`. */
async function listeners(port: number): Promise<string[]> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const found: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (await readFile(table, "utf8")).split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === "0A" && local?.endsWith(`:${hexPort}`)) found.push(local.split(":")[0] ?? "");
    }
  }
  return found;
}

const LOOPBACK = new Set(["0100007F", "00000000000000000000000001000000"]);

it("binds ingress, admin, node port and the agents to loopback", async () => {
  expect(stack.encrypted).toBe(true);
  for (const [name, port] of Object.entries(ports())) {
    const addresses = await listeners(port);
    expect(addresses, `${name} port ${port} listens`).not.toEqual([]);
    expect(
      addresses.filter((address) => !LOOPBACK.has(address)),
      name,
    ).toEqual([]);
  }
});
