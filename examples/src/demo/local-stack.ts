/**
 * The local stack behind `npm start` / `npm run dev`: a restate-server (from npm) keeping its data
 * under the project, the examples endpoint as a child process, and the registration between them.
 * With `cluster: true` (`npm run dev:cluster`) a local 3-node cluster instead of one server.
 * Everything listens on 127.0.0.1 only. Journal encryption is on (see ../endpoint-security.ts): the
 * stack's client encrypts what it sends and decrypts the answers with the endpoint's keys.
 *
 * Ports come from the environment (RESTATE_INGRESS_PORT 8080, RESTATE_ADMIN_PORT 9070,
 * RESTATE_NODE_PORT 5122, EXAMPLES_PORT 9080; a cluster's node i uses each + i - 1), the data dir
 * from RESTATE_DATA_DIR; a taken port stops the start with a clear message.
 */
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import {
  type RestateApi,
  type RestateCluster,
  RestateServer,
  ServiceProcess,
} from "@restate-ai/test-harness";
import { type JournalValueCodec, journalCodec } from "@restate-ai/vercel-middleware";
import { examplesJournalKeys } from "../endpoint-security.ts";
import { CLUSTER_NODES, nodePorts, startLocalCluster } from "./local-cluster.ts";

export interface LocalStackOptions {
  dataDir?: string;
  /** How long an invocation may idle before it suspends (Restate's default is 1m). */
  inactivityTimeout?: string;
  /** Extra environment of the examples endpoint. */
  env?: Record<string, string>;
  /** Receives the endpoint's log output. */
  onAgentOutput?: (text: string) => void;
  /** A local 3-node cluster instead of one restate-server. */
  cluster?: boolean;
}

export interface LocalNode {
  name: string;
  ingressUrl: string;
  adminUrl: string;
  /** Node-to-node address, where `restatectl` connects. */
  nodeAddress: string;
}

export interface LocalStack {
  /** The server, or the cluster (through any live node). */
  restate: RestateApi;
  agents: ServiceProcess;
  ingressUrl: string;
  adminUrl: string;
  /** Every restate-server: one, or the cluster's nodes. */
  nodes: LocalNode[];
  /** The data dir of the server or cluster (also home of the local journal key file). */
  dataDir: string;
  /** Whether journal encryption is on. */
  encrypted: boolean;
  /** The agents' journal codec when encryption is on, for other clients (the web chat). */
  journalCodec: JournalValueCodec | undefined;
  stop(): Promise<void>;
}

const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));
const app = fileURLToPath(new URL("../app.ts", import.meta.url));
/** Where `npm run dev:cluster` keeps its nodes' data and the journal key file, by default. */
export const clusterDataDir = `${projectRoot}.restate-cluster`;

export function ports() {
  const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  return {
    ingress: port("RESTATE_INGRESS_PORT", 8080),
    admin: port("RESTATE_ADMIN_PORT", 9070),
    node: port("RESTATE_NODE_PORT", 5122),
    agents: port("EXAMPLES_PORT", 9080),
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const { agents: agentsPort, ...base } = ports();
  const count = options.cluster ? CLUSTER_NODES : 1;
  const needed: { port: number; variable: string }[] = [];
  for (let id = 1; id <= count; id++) {
    const node = nodePorts(base, id);
    needed.push(
      { port: node.ingress, variable: "RESTATE_INGRESS_PORT" },
      { port: node.admin, variable: "RESTATE_ADMIN_PORT" },
      { port: node.node, variable: "RESTATE_NODE_PORT" },
    );
  }
  needed.push({ port: agentsPort, variable: "EXAMPLES_PORT" });
  await ensureFree(needed, options.cluster === true);
  const inactivityTimeout = options.inactivityTimeout ?? "1m";
  const dataDir =
    options.dataDir ??
    process.env.RESTATE_DATA_DIR ??
    (options.cluster ? clusterDataDir : `${projectRoot}.restate-data`);
  const journal = examplesJournalKeys({ ...process.env, RESTATE_DATA_DIR: dataDir });
  let restate: RestateServer | RestateCluster;
  let nodes: LocalNode[];
  if (options.cluster) {
    const cluster = await startLocalCluster({ dataDir, ports: base, inactivityTimeout });
    restate = cluster;
    nodes = cluster.nodes.map((node) => ({
      name: `n${node.id}`,
      ingressUrl: node.ingressUrl,
      adminUrl: node.adminUrl,
      nodeAddress: node.nodeAddress,
    }));
  } else {
    restate = await RestateServer.start({ baseDir: dataDir, ports: base, inactivityTimeout });
    nodes = [
      {
        name: "restate-server",
        ingressUrl: restate.ingressUrl,
        adminUrl: restate.adminUrl,
        nodeAddress: `http://127.0.0.1:${base.node}`,
      },
    ];
  }
  const codec = journal === undefined ? undefined : await journalCodec({ keys: journal.keys });
  restate.useCodec(codec);
  const [first] = nodes as [LocalNode];
  let agents: ServiceProcess;
  try {
    agents = await ServiceProcess.start(app, {
      port: agentsPort,
      guardNetwork: false,
      env: { RESTATE_INGRESS_URL: first.ingressUrl, RESTATE_DATA_DIR: dataDir, ...options.env },
      ...(options.onAgentOutput === undefined ? {} : { onOutput: options.onAgentOutput }),
    });
    await restate.register(agents.url);
  } catch (error) {
    await restate.stop();
    throw error;
  }
  return {
    restate,
    agents,
    ingressUrl: first.ingressUrl,
    adminUrl: first.adminUrl,
    nodes,
    dataDir,
    encrypted: codec !== undefined,
    journalCodec: codec,
    async stop() {
      await agents.stop();
      await restate.stop();
    },
  };
}

async function ensureFree(
  needed: { port: number; variable: string }[],
  cluster: boolean,
): Promise<void> {
  for (const { port, variable } of needed) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (!free) {
      const perNode =
        cluster && variable !== "EXAMPLES_PORT"
          ? " (node i of the cluster uses <port> + i - 1)"
          : "";
      throw new Error(
        `Port ${port} is already in use (is another restate-server or the examples endpoint running?). Stop it, or pick another port with ${variable}=<port>${perNode}.`,
      );
    }
  }
}
