/**
 * A local Restate cluster of N real restate-server nodes (default 3) on loopback: replicated
 * metadata, a replicated Bifrost log and partitions replicated on 2 nodes, so it tolerates one
 * node down. Ready means every partition has a leader on a live node (`/health` answers long
 * before that), read with `restatectl sql` from `partition_state`.
 *
 * A test kills and restarts nodes by id, asks which node leads an invocation's partition, and
 * talks to the cluster through any live node (the cluster is a {@link RestateApi} of its first
 * live node) or through one node in particular (`node(id)`). A node that exits fails the wait
 * with its log; a cluster that does not get ready in time fails it with every node's log.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClusterNode, type NodePorts } from "./cluster-node.ts";
import { ClusterTopology, type PartitionReplica } from "./cluster-topology.ts";
import { freePort } from "./free-port.ts";
import { RestateApi } from "./restate-api.ts";
import { clusterSql, restatectlBinary } from "./restatectl.ts";

export interface RestateClusterOptions {
  /** Number of nodes (default 3). */
  nodes?: number;
  /** Copies of each log record and partition (default 2: one node may be down). */
  replication?: number;
  /** Number of partitions (default 4). */
  partitions?: number;
  /** Suspend an invocation after this long without progress (default `"1m"`). */
  inactivityTimeout?: string;
  /** Extra `RESTATE_*` settings for every node. */
  env?: Record<string, string>;
  /** Keep the nodes' data under this dir (`<dir>/n<id>`, kept on `stop()`); default: a temp dir. */
  baseDir?: string;
  /** Fixed ports of node `id` (1-based); default: free loopback ports. */
  ports?: (id: number) => NodePorts;
  /** How long `start()`, `restart()` and the other waits wait at most (default 30 s). */
  readyTimeoutMs?: number;
}

export class RestateCluster extends RestateApi {
  readonly nodes: ClusterNode[];
  readonly partitions: number;
  private readonly baseDir: string;
  private readonly options: RestateClusterOptions;
  private readonly topology: ClusterTopology;

  private constructor(nodes: ClusterNode[], baseDir: string, options: RestateClusterOptions) {
    const first = nodes[0] as ClusterNode;
    super(first.ingressUrl, first.adminUrl);
    this.nodes = nodes;
    this.baseDir = baseDir;
    this.options = options;
    this.partitions = options.partitions ?? 4;
    this.topology = new ClusterTopology(
      (query) => this.sql(query),
      () => new Set(this.live().map((node) => `N${node.id}`)),
      this.partitions,
    );
  }

  /** Starts every node and waits until every partition has a leader. */
  static async start(options: RestateClusterOptions = {}): Promise<RestateCluster> {
    restatectlBinary();
    const count = options.nodes ?? 3;
    const baseDir = options.baseDir ?? (await mkdtemp(join(tmpdir(), "rc-")));
    const ports: NodePorts[] = [];
    for (let id = 1; id <= count; id++) {
      ports.push(
        options.ports?.(id) ?? {
          ingress: await freePort(),
          admin: await freePort(),
          node: await freePort(),
        },
      );
    }
    const layout = {
      clusterName: "agents-test",
      partitions: options.partitions ?? 4,
      replication: options.replication ?? 2,
      metadataAddresses: ports.map((p) => `http://127.0.0.1:${p.node}`),
      inactivityTimeout: options.inactivityTimeout ?? "1m",
      env: options.env ?? {},
    };
    const nodes = ports.map(
      (p, i) => new ClusterNode(i + 1, p, join(baseDir, `n${i + 1}`), layout),
    );
    const cluster = new RestateCluster(nodes, baseDir, options);
    try {
      for (const node of nodes) await mkdir(node.baseDir, { recursive: true });
      for (const node of nodes) node.launch();
      await cluster.waitReady();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  override get ingressUrl(): string {
    return this.liveNode().ingressUrl;
  }

  override get adminUrl(): string {
    return this.liveNode().adminUrl;
  }

  /** SQL over the system tables, through a live node (retried while leadership moves). */
  override query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    return this.liveNode().query<T>(sql);
  }

  node(id: number): ClusterNode {
    const node = this.nodes[id - 1];
    if (node === undefined) throw new Error(`no node ${id} in a cluster of ${this.nodes.length}`);
    return node;
  }

  /** The nodes whose process runs. */
  live(): ClusterNode[] {
    return this.nodes.filter((node) => node.running);
  }

  /** A live node, other than those in `except`. */
  liveNode(except: number[] = []): ClusterNode {
    const node = this.live().find((n) => !except.includes(n.id));
    if (node === undefined) throw new Error(`no live node other than ${except.join(", ")}`);
    return node;
  }

  /** Every node's recent output, labelled, for failure messages. */
  output(): string {
    return this.nodes.map((node) => `── node n${node.id} ──\n${node.output()}`).join("\n");
  }

  /** Runs SQL on the cluster tables (`partition_state`, `partitions`, `nodes`, `logs`). */
  sql<T = Record<string, unknown>>(query: string): Promise<T[]> {
    return clusterSql<T>(
      this.live().map((node) => node.nodeAddress),
      query,
    );
  }

  /** Which live node leads each partition (partitions without a leader are missing). */
  leaders(): Promise<Map<number, number>> {
    return this.topology.leaders();
  }

  /** The partition an invocation lives on. */
  async partitionOf(invocationId: string): Promise<number> {
    return this.topology.partitionOfKey(await this.partitionKey(invocationId));
  }

  /** The node that leads the invocation's partition now. */
  async leaderOf(invocationId: string): Promise<number | undefined> {
    const [partition, leaders] = await Promise.all([
      this.partitionOf(invocationId),
      this.leaders(),
    ]);
    return leaders.get(partition);
  }

  /**
   * Waits until every live node is alive to the cluster and every partition has a leader on a
   * live node; fails with every node's log if a node exits or this does not happen in time.
   */
  async waitReady(timeoutMs = this.options.readyTimeoutMs ?? 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = "no answer from restatectl yet";
    while (Date.now() < deadline) {
      for (const node of this.nodes) if (node.wanted) node.assertAlive();
      try {
        const [leaders, alive] = await Promise.all([
          this.leaders(),
          this.topology.aliveToCluster(),
        ]);
        const missing = this.live().filter((node) => !alive.has(`N${node.id}`));
        if (leaders.size === this.partitions && missing.length === 0) return;
        last = `${leaders.size}/${this.partitions} partitions have a leader; not yet alive: ${missing.map((n) => `n${n.id}`).join(", ") || "none"}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the cluster was not ready in ${timeoutMs} ms (${last}):\n${this.output()}`);
  }

  /**
   * Waits until node `id` hosts partition replicas again (a restarted node first rejoins, then
   * gets followers, and often leaders back), and the cluster has settled.
   */
  async waitRejoined(
    id: number,
    timeoutMs = this.options.readyTimeoutMs ?? 30_000,
  ): Promise<PartitionReplica[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      this.node(id).assertAlive();
      const replicas = await this.topology.replicas().catch(() => []);
      const mine = replicas.filter((r) => r.plain_node_id === `N${id}`);
      if (mine.length > 0) {
        await this.waitSettled(undefined, Math.max(1_000, deadline - Date.now()));
        return (await this.topology.replicas()).filter((r) => r.plain_node_id === `N${id}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `node n${id} hosts no partition ${timeoutMs} ms after its restart:\n${this.output()}`,
    );
  }

  /**
   * Waits until leadership has settled: every partition is led by the node the scheduler chose,
   * all of its replicas run on live nodes, and no leader moved for `quietMs`. After a node dies
   * or rejoins, leadership moves once or twice within a few seconds; a test that wants a given
   * node to lead a given agent's partition at the moment of a kill waits for this first.
   */
  async waitSettled(
    quietMs = 2_500,
    timeoutMs = this.options.readyTimeoutMs ?? 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let layout = "";
    let since = Date.now();
    while (Date.now() < deadline) {
      const current = await this.topology.settledLayout().catch(() => undefined);
      if (current !== layout || current === undefined) {
        layout = current ?? "";
        since = Date.now();
      } else if (Date.now() - since >= quietMs) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`leadership did not settle in ${timeoutMs} ms:\n${this.output()}`);
  }

  /**
   * Registers the endpoint at `uri` through one node, then waits until every live node's admin
   * API knows its services (the schema travels through the replicated metadata).
   */
  override async register(uri: string, options: { http11?: boolean } = {}): Promise<void> {
    await super.register(uri, options);
    const services = await this.serviceNames();
    for (const node of this.live()) {
      await this.nodeKnows(node, services);
    }
  }

  /** SIGKILL of node `id`: its process dies at once, its data dir stays. */
  kill(id: number): Promise<void> {
    return this.node(id).kill();
  }

  /** Starts node `id` again on its data dir and ports; waits until the cluster is ready. */
  async restart(id: number): Promise<void> {
    const node = this.node(id);
    await node.kill();
    node.launch();
    await this.waitReady();
  }

  /** Stops every node and deletes the data, unless `baseDir` was given. */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
    if (this.options.baseDir === undefined) {
      await rm(this.baseDir, { recursive: true, force: true });
    }
  }

  private async serviceNames(): Promise<string[]> {
    const response = await fetch(`${this.adminUrl}/services`);
    const body = (await response.json()) as { services: { name: string }[] };
    return body.services.map((s) => s.name);
  }

  private async nodeKnows(node: ClusterNode, services: string[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const known = await Promise.all(
        services.map((name) =>
          fetch(`${node.adminUrl}/services/${name}`).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      );
      if (known.every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`node n${node.id} does not know the services ${services.join(", ")}`);
  }
}
