/**
 * A client of a cluster that survives the death of the node it is connected to. An ingress that
 * dies drops its open connections (the invocation itself lives on, in the replicated log); the
 * client then attaches again through another node — by invocation id, or by the idempotency key
 * it called with — and gets the same result. This is what a user's client does too
 * (docs/deploy.md, "Where clients connect").
 */
import type { ClusterNode } from "./cluster-node.ts";
import { IngressError, readResult } from "./restate-api.ts";
import type { RestateCluster } from "./restate-cluster.ts";

export interface SurvivingResult<T> {
  result: T;
  /** The nodes the client was connected to, in order (more than one: it re-attached). */
  via: number[];
  /** When the first connection was lost (`Date.now()`), if it was. */
  lostAt?: number;
  /** When the result arrived. */
  doneAt: number;
}

export interface SurvivingOptions {
  /** The node to connect to first. */
  via: number;
  timeoutMs?: number;
}

/** A connection the ingress dropped (not an answer of the ingress). */
const connectionLost = (error: unknown) => error instanceof TypeError;

async function surviving<T>(
  cluster: RestateCluster,
  first: number,
  attempt: (node: ClusterNode, attachOnly: boolean) => Promise<T>,
): Promise<SurvivingResult<T>> {
  const via: number[] = [];
  const lost = new Set<number>();
  let lostAt: number | undefined;
  let node = cluster.node(first);
  for (;;) {
    via.push(node.id);
    try {
      const result = await attempt(node, via.length > 1);
      return { result, via, doneAt: Date.now(), ...(lostAt === undefined ? {} : { lostAt }) };
    } catch (error) {
      if (!connectionLost(error) || via.length > cluster.nodes.length * 3) throw error;
      lostAt ??= Date.now();
      lost.add(node.id);
      const others = cluster.live().filter((n) => !lost.has(n.id));
      node = others[0] ?? cluster.liveNode();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Attaches to invocation `id` through node `via`; re-attaches through another node if it dies. */
export function attachSurviving<T = unknown>(
  cluster: RestateCluster,
  invocationId: string,
  options: SurvivingOptions,
): Promise<SurvivingResult<T>> {
  return surviving(cluster, options.via, (node) => node.attach<T>(invocationId, options.timeoutMs));
}

/**
 * Calls `target` with an `idempotency-key` header through node `via` and waits for the result;
 * if that node dies, attaches through another node by the key. Calling again with the same key
 * never starts a second invocation.
 */
export function callSurviving<T = unknown>(
  cluster: RestateCluster,
  target: string,
  input: unknown,
  options: SurvivingOptions & { idempotencyKey: string },
): Promise<SurvivingResult<T>> {
  const call = async (node: ClusterNode) => {
    const response = await fetch(`${node.ingressUrl}/${target}`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": options.idempotencyKey },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(options.timeoutMs ?? 45_000),
    });
    return (await readResult(response)) as T;
  };
  return surviving(cluster, options.via, async (node, again) => {
    if (!again) return call(node);
    try {
      return await node.attachByKey<T>(target, options.idempotencyKey, options.timeoutMs);
    } catch (error) {
      // The first call never reached the log: calling again with the key starts it, once.
      if (error instanceof IngressError && error.status === 404) return call(node);
      throw error;
    }
  });
}
