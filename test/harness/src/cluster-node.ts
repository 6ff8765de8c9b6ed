/**
 * One node of a local Restate cluster: its own ports and base dir, replicated metadata and a
 * replicated Bifrost log, every role (admin, ingress, worker, log server, metadata server). The
 * node is a {@link RestateApi} of its own ingress and admin port, so a test can invoke, attach or
 * query through exactly this node.
 */
import { RestateApi } from "./restate-api.ts";
import { type ResidentMemory, ServerProcess } from "./server-process.ts";

export interface NodePorts {
  ingress: number;
  admin: number;
  /** Node-to-node (and restatectl) port. */
  node: number;
}

export interface ClusterLayout {
  clusterName: string;
  partitions: number;
  replication: number;
  /** Node-to-node addresses of every node: the metadata servers. */
  metadataAddresses: string[];
  inactivityTimeout: string;
  env: Record<string, string>;
}

export class ClusterNode extends RestateApi {
  /** Restate's node id (`N<id>`), 1-based. */
  readonly id: number;
  readonly ports: NodePorts;
  readonly baseDir: string;
  private readonly layout: ClusterLayout;
  private readonly process: ServerProcess;
  /** Launched and not killed or stopped since: its exit is a failure. */
  wanted = false;

  constructor(id: number, ports: NodePorts, baseDir: string, layout: ClusterLayout) {
    super(`http://127.0.0.1:${ports.ingress}`, `http://127.0.0.1:${ports.admin}`);
    this.id = id;
    this.ports = ports;
    this.baseDir = baseDir;
    this.layout = layout;
    this.process = new ServerProcess(`restate-server node n${id}`);
  }

  /** The node-to-node address, as restatectl and the other nodes reach it. */
  get nodeAddress(): string {
    return `http://127.0.0.1:${this.ports.node}`;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** The environment that configures this node (the same keys exist in TOML). */
  env(): Record<string, string> {
    const { layout, ports } = this;
    return {
      RESTATE_CLUSTER_NAME: layout.clusterName,
      RESTATE_NODE_NAME: `n${this.id}`,
      RESTATE_FORCE_NODE_ID: String(this.id),
      RESTATE_BASE_DIR: this.baseDir,
      // One node provisions the cluster on its first start; a no-op once it is provisioned.
      RESTATE_AUTO_PROVISION: this.id === 1 ? "true" : "false",
      RESTATE_DEFAULT_NUM_PARTITIONS: String(layout.partitions),
      RESTATE_DEFAULT_REPLICATION: String(layout.replication),
      RESTATE_BIFROST__DEFAULT_PROVIDER: "replicated",
      RESTATE_METADATA_SERVER__TYPE: "replicated",
      RESTATE_METADATA_CLIENT__ADDRESSES: JSON.stringify(layout.metadataAddresses),
      RESTATE_BIND_ADDRESS: `127.0.0.1:${ports.node}`,
      RESTATE_ADVERTISED_ADDRESS: this.nodeAddress,
      RESTATE_ADMIN__BIND_ADDRESS: `127.0.0.1:${ports.admin}`,
      RESTATE_INGRESS__BIND_ADDRESS: `127.0.0.1:${ports.ingress}`,
      // Notice a dead node in about a second instead of five.
      RESTATE_GOSSIP_SUSPECT_INTERVAL: "1s",
      RESTATE_ROCKSDB_TOTAL_MEMORY_SIZE: "256MiB",
      RESTATE_WORKER__INVOKER__INACTIVITY_TIMEOUT: layout.inactivityTimeout,
      ...layout.env,
    };
  }

  /**
   * SQL over the system tables, which this node gathers from every partition's leader: right
   * after a node died, until leadership has moved, that fails ("connect throttled"); it is
   * retried for up to 20 s.
   */
  override async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        return await super.query<T>(sql);
      } catch (error) {
        if (Date.now() > deadline || !this.running) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** Starts the process (same base dir and ports on every start); does not wait. */
  launch(): void {
    this.wanted = true;
    this.process.launch(["--listen-mode", "tcp", "--no-logo"], this.env());
  }

  /** Throws with the node's output if its process has exited. */
  assertAlive(): void {
    this.process.assertAlive();
  }

  output(): string {
    return this.process.output();
  }

  memory(): Promise<ResidentMemory | undefined> {
    return this.process.memory();
  }

  /** SIGKILL: the node dies at once, as in a crash; its data dir stays. */
  kill(): Promise<void> {
    this.wanted = false;
    return this.process.terminate("SIGKILL");
  }

  stop(): Promise<void> {
    this.wanted = false;
    return this.process.terminate("SIGTERM");
  }
}
