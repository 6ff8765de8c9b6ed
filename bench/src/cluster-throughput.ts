/**
 * One node against three: throughput of the same durable agents (5-step agents, 64 in flight)
 * on one restate-server and on a local 3-node cluster (replicated metadata and log, replication
 * 2), both with 4 partitions, driven in alternating rounds by the same contender processes; the
 * cluster's clients are spread over its three ingresses. Then each restate-server process's RSS.
 *
 * On a machine with few cores the three nodes share the cores one node had: the figure is what
 * replication costs, not what scale-out gains.
 */
import { RestateCluster, RestateServer } from "@restate-ai/test-harness";
import type { BenchPlan } from "./bench-plan.ts";
import { throughput } from "./load.ts";
import type { ClusterFigures } from "./results.ts";
import type { RunningContender } from "./running-contender.ts";
import { spread } from "./stats.ts";

const PARTITIONS = 4;

type Client = Pick<RunningContender, "invoke">;

/** Invokes through each of `views` in turn (one per node). */
function roundRobin(views: RunningContender[]): Client {
  let next = 0;
  return {
    invoke: (input) => (views[next++ % views.length] as RunningContender).invoke(input),
  };
}

export async function clusterThroughput(
  running: RunningContender[],
  plan: BenchPlan,
  env: Record<string, string>,
  log: (line: string) => void,
): Promise<ClusterFigures | undefined> {
  const chosen = running.filter((r) => plan.cluster.contenders.includes(r.contender.id));
  if (chosen.length === 0) return undefined;
  const single = await RestateServer.start({
    env: { ...env, RESTATE_DEFAULT_NUM_PARTITIONS: String(PARTITIONS) },
  });
  let cluster: RestateCluster | undefined;
  try {
    cluster = await RestateCluster.start({ env, partitions: PARTITIONS });
    const ingresses = cluster.nodes.map((node) => node.ingressUrl);
    const clients: { single: Client; cluster: Client }[] = [];
    for (const contender of chosen) {
      const onCluster = await contender.alsoOn(cluster);
      clients.push({
        single: await contender.alsoOn(single),
        cluster: roundRobin([onCluster, ...ingresses.slice(1).map((i) => onCluster.through(i))]),
      });
    }
    const { steps, concurrency, total } = plan.cluster;
    const budget = plan.throughput.budgetMs;
    const cells: ClusterFigures["throughput"] = [];
    for (const latencyMs of plan.cluster.latencies) {
      const input = { steps, latencyMs };
      for (const client of clients) {
        await throughput(client.single, input, concurrency, concurrency, budget);
        await throughput(client.cluster, input, concurrency, concurrency, budget);
      }
      const rates = clients.map(() => ({ one: [] as number[], three: [] as number[] }));
      for (let round = 0; round < plan.cluster.rounds; round++) {
        for (const [i, client] of clients.entries()) {
          rates[i]?.one.push(await throughput(client.single, input, concurrency, total, budget));
          rates[i]?.three.push(await throughput(client.cluster, input, concurrency, total, budget));
        }
      }
      for (const [i, contender] of chosen.entries()) {
        const oneNode = spread(rates[i]?.one ?? []);
        const threeNodes = spread(rates[i]?.three ?? []);
        cells.push({
          contender: contender.contender.id,
          steps,
          concurrency,
          latencyMs,
          oneNode,
          threeNodes,
          ratio: threeNodes.median / oneNode.median,
        });
      }
      log(`one node vs 3 nodes, ${latencyMs} ms model latency, ${concurrency} in flight: done`);
    }
    const rss = [{ server: "one restate-server", memory: await single.memory() }];
    for (const node of cluster.nodes) {
      rss.push({ server: `cluster node n${node.id}`, memory: await node.memory() });
    }
    return {
      nodes: cluster.nodes.length,
      replication: 2,
      partitions: PARTITIONS,
      throughput: cells,
      rss: rss.map(({ server, memory }) => ({
        server,
        ...(memory === undefined
          ? {}
          : { rssBytes: memory.rssBytes, peakRssBytes: memory.peakRssBytes }),
      })),
    };
  } finally {
    await cluster?.stop();
    await single.stop();
  }
}
