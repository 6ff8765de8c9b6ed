/**
 * A cluster's layout, read with `restatectl sql`: which node leads each partition, which replicas
 * run where, which partition an invocation lives on, and whether leadership has settled.
 */

/** A row of `partition_state`: which node runs a replica of a partition, and in which role. */
export interface PartitionReplica {
  partition_id: number;
  plain_node_id: string;
  effective_mode: string;
}

type Sql = <T>(query: string) => Promise<T[]>;

export class ClusterTopology {
  private readonly sql: Sql;
  /** The `N<id>` names of the nodes whose process runs. */
  private readonly alive: () => Set<string>;
  private readonly partitions: number;
  private ranges: { partition: number; start: bigint; end: bigint }[] = [];

  constructor(sql: Sql, alive: () => Set<string>, partitions: number) {
    this.sql = sql;
    this.alive = alive;
    this.partitions = partitions;
  }

  /** Which live node leads each partition (partitions without a leader are missing). */
  async leaders(): Promise<Map<number, number>> {
    const rows = await this.sql<PartitionReplica>(
      "SELECT partition_id, plain_node_id, effective_mode FROM partition_state WHERE effective_mode = 'Leader'",
    );
    const alive = this.alive();
    const leaders = new Map<number, number>();
    for (const row of rows) {
      if (alive.has(row.plain_node_id))
        leaders.set(row.partition_id, Number(row.plain_node_id.slice(1)));
    }
    return leaders;
  }

  /** The running replicas (leaders and followers) of every partition. */
  replicas(): Promise<PartitionReplica[]> {
    return this.sql<PartitionReplica>(
      "SELECT partition_id, plain_node_id, effective_mode FROM partition_state WHERE effective_mode IN ('Leader', 'Follower')",
    );
  }

  /** The nodes the cluster sees alive (`N<id>`). */
  async aliveToCluster(): Promise<Set<string>> {
    const rows = await this.sql<{ plain_node_id: string; state: string }>(
      "SELECT plain_node_id, state FROM nodes",
    );
    return new Set(rows.filter((n) => n.state === "alive").map((n) => n.plain_node_id));
  }

  /** The partition whose key range holds `partitionKey`. */
  async partitionOfKey(partitionKey: bigint): Promise<number> {
    if (this.ranges.length === 0) {
      const rows = await this.sql<{ partition_id: number; start: string; end: string }>(
        // As text: a u64 does not survive JSON numbers.
        "SELECT partition_id, CAST(start_key AS VARCHAR) AS start, CAST(end_key AS VARCHAR) AS end FROM partitions",
      );
      this.ranges = rows.map((r) => ({
        partition: r.partition_id,
        start: BigInt(r.start),
        end: BigInt(r.end),
      }));
    }
    const range = this.ranges.find((r) => r.start <= partitionKey && partitionKey <= r.end);
    if (range === undefined) throw new Error(`no partition holds key ${partitionKey}`);
    return range.partition;
  }

  /**
   * The leaders, as text, if every partition is placed as the scheduler intends: led by the node
   * it chose, every replica of its replica set running on a live node, no reconfiguration under
   * way. Otherwise `undefined`.
   */
  async settledLayout(): Promise<string | undefined> {
    const [partitions, replicas] = await Promise.all([
      this.sql<{
        partition_id: number;
        leader_plain_node_id?: string;
        current_replica_set?: string;
        next_replica_set?: string;
      }>(
        "SELECT partition_id, leader_plain_node_id, current_replica_set, next_replica_set FROM partitions",
      ),
      this.replicas(),
    ]);
    const alive = this.alive();
    const runs = (partition: number, node: string, mode?: string) =>
      replicas.some(
        (r) =>
          r.partition_id === partition &&
          r.plain_node_id === node &&
          (mode === undefined || r.effective_mode === mode),
      );
    if (partitions.length !== this.partitions) return undefined;
    for (const p of partitions) {
      const leader = p.leader_plain_node_id;
      const set = p.current_replica_set?.split(",") ?? [];
      if (leader === undefined || !alive.has(leader) || !runs(p.partition_id, leader, "Leader"))
        return undefined;
      if (p.next_replica_set || !set.every((node) => alive.has(node) && runs(p.partition_id, node)))
        return undefined;
    }
    return partitions
      .map((p) => `${p.partition_id}:${p.leader_plain_node_id}`)
      .sort()
      .join(" ");
  }
}
