/**
 * The cluster harness fails loudly: a node that cannot start stops `RestateCluster.start` with
 * that node's log, instead of a readiness timeout or a skipped test.
 */
import { createServer } from "node:net";
import { freePort, RestateCluster } from "@restate-ai/test-harness";
import { expect, it } from "vitest";

it("fails with the node's log when a node cannot start", async () => {
  const ports = new Map<number, { ingress: number; admin: number; node: number }>();
  for (const id of [1, 2, 3]) {
    ports.set(id, { ingress: await freePort(), admin: await freePort(), node: await freePort() });
  }
  const taken = ports.get(2)?.ingress as number;
  const squatter = createServer();
  await new Promise<void>((listening) => squatter.listen(taken, "127.0.0.1", listening));
  try {
    const started = RestateCluster.start({
      ports: (id) => ports.get(id) as { ingress: number; admin: number; node: number },
    });
    await expect(started).rejects.toThrow(
      new RegExp(`restate-server node n2 exited with 1:[\\s\\S]*127\\.0\\.0\\.1:${taken}.*in use`),
    );
  } finally {
    squatter.close();
  }
});
