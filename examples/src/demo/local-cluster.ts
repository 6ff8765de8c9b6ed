/**
 * The restate-server side of `npm run dev:cluster`: a local 3-node cluster (replicated metadata
 * and log, replication 2), node i on the base ports + i - 1 — ingress 8080/8081/8082, admin
 * 9070/9071/9072, node-to-node 5122/5123/5124 — with its data under `.restate-cluster/n<i>`.
 * The same agents, the same curl lines: node 1 answers on :8080, and so does every other node on
 * its own port.
 */
import { RestateCluster } from "@restate-ai/test-harness";

export interface LocalClusterOptions {
  dataDir: string;
  ports: { ingress: number; admin: number; node: number };
  inactivityTimeout: string;
}

export const CLUSTER_NODES = 3;

/** The ports of node `id` (1-based), from the base ports. */
export function nodePorts(base: LocalClusterOptions["ports"], id: number) {
  return { ingress: base.ingress + id - 1, admin: base.admin + id - 1, node: base.node + id - 1 };
}

export function startLocalCluster(options: LocalClusterOptions): Promise<RestateCluster> {
  return RestateCluster.start({
    nodes: CLUSTER_NODES,
    baseDir: options.dataDir,
    ports: (id) => nodePorts(options.ports, id),
    inactivityTimeout: options.inactivityTimeout,
  });
}
