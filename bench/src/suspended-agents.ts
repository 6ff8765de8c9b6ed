/**
 * What suspended agents cost the service: N agents that each wait for a human approval, on a
 * restate-server that suspends an invocation after 1 s idle. The service's V8 heap in use (after
 * a full collection) once all N are suspended, against the same service idle after it ran N such
 * agents to completion (so both sides include the JIT's code and the tables grown for N calls at
 * once); then the service is killed and started again, and every agent completes once approved:
 * nothing of a suspended agent lived in the process.
 */
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import type { SuspendedFigure } from "./results.ts";

const module = fileURLToPath(new URL("./contenders/approval-agents.ts", import.meta.url));

export async function measureSuspended(
  agents: number,
  log: (line: string) => void,
): Promise<SuspendedFigure> {
  const approvals = new Set<string>();
  const collector = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      approvals.add(body);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  const address = collector.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
  const restate = await RestateServer.start({ inactivityTimeout: "1s" });
  const service = await ServiceProcess.start(module, {
    guardNetwork: false,
    env: { RESTATE_LOGGING: "WARN", NODE_OPTIONS: "--expose-gc" },
  });
  try {
    await restate.register(service.url);
    const start = (n: number) =>
      Promise.all(
        Array.from({ length: n }, () => restate.send("BenchApprovalAgent/run", { collector: url })),
      );
    const startAll = async (n: number) => {
      const ids: string[] = [];
      for (let sent = 0; sent < n; sent += 64) ids.push(...(await start(Math.min(64, n - sent))));
      return ids;
    };
    const approveAll = async (ids: string[]) => {
      await waitFor(() => approvals.size >= ids.length, "approval requests");
      const pending = [...approvals];
      approvals.clear();
      for (const id of pending) await restate.resolveAwakeable(id, true);
      for (const id of ids) await restate.attach(id, 120_000);
    };
    // the same load once to completion first: the JIT's code and the tables sized for that many
    // calls at once are the process's high-water mark, not something a suspended agent holds
    await approveAll(await startAll(agents));
    const idleHeapBytes = await service.heapUsed();
    const ids: string[] = [];
    for (let sent = 0; sent < agents; sent += 64)
      ids.push(...(await start(Math.min(64, agents - sent))));
    await waitFor(async () => {
      const [row] = await restate.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM sys_invocation WHERE target = 'BenchApprovalAgent/run' AND status = 'suspended'",
      );
      return Number(row?.n) === agents;
    }, "every agent suspended");
    const suspendedHeapBytes = await service.heapUsed();
    const peakRssBytes = await service.peakRss();
    log(
      `suspended agents: ${agents} waiting, heap ${mib(idleHeapBytes)} MiB idle, ${mib(suspendedHeapBytes)} MiB with all suspended (peak RSS ${mib(peakRssBytes)} MiB)`,
    );
    await service.restart();
    await approveAll(ids);
    return {
      agents,
      idleHeapBytes,
      suspendedHeapBytes,
      peakRssBytes,
      completedAfterRestart: ids.length,
    };
  } finally {
    await service.stop();
    await restate.stop();
    collector.close();
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

async function waitFor(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`suspended agents: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
