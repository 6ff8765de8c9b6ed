/**
 * The local stack behind `npm start` / `npm run dev`: a restate-server (from npm) keeping its data
 * under the project, the examples endpoint as a child process, and the registration between them.
 * Everything listens on 127.0.0.1 only. Journal encryption is on (see ../endpoint-security.ts): the
 * stack's client encrypts what it sends and decrypts the answers with the endpoint's keys.
 *
 * Ports come from the environment (RESTATE_INGRESS_PORT 8080, RESTATE_ADMIN_PORT 9070,
 * RESTATE_NODE_PORT 5122, EXAMPLES_PORT 9080), the data dir from RESTATE_DATA_DIR; a taken port
 * stops the start with a clear message.
 */
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { RestateServer, ServiceProcess } from "@restate-ai/test-harness";
import { journalCodec } from "@restate-ai/vercel-middleware";
import { examplesJournalKeys } from "../endpoint-security.ts";

export interface LocalStackOptions {
  dataDir?: string;
  /** How long an invocation may idle before it suspends (Restate's default is 1m). */
  inactivityTimeout?: string;
  /** Extra environment of the examples endpoint. */
  env?: Record<string, string>;
  /** Receives the endpoint's log output. */
  onAgentOutput?: (text: string) => void;
}

export interface LocalStack {
  restate: RestateServer;
  agents: ServiceProcess;
  ingressUrl: string;
  adminUrl: string;
  /** The restate-server's base dir (also home of the local journal key file). */
  dataDir: string;
  /** Whether journal encryption is on. */
  encrypted: boolean;
  stop(): Promise<void>;
}

const projectRoot = fileURLToPath(new URL("../../../", import.meta.url));
const app = fileURLToPath(new URL("../app.ts", import.meta.url));

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
  const { agents: agentsPort, ...restatePorts } = ports();
  await ensureFree({
    RESTATE_INGRESS_PORT: restatePorts.ingress,
    RESTATE_ADMIN_PORT: restatePorts.admin,
    RESTATE_NODE_PORT: restatePorts.node,
    EXAMPLES_PORT: agentsPort,
  });
  const baseDir = options.dataDir ?? process.env.RESTATE_DATA_DIR ?? `${projectRoot}.restate-data`;
  const journal = examplesJournalKeys({ ...process.env, RESTATE_DATA_DIR: baseDir });
  const restate = await RestateServer.start({
    baseDir,
    ports: restatePorts,
    inactivityTimeout: options.inactivityTimeout ?? "1m",
  });
  if (journal !== undefined) restate.useCodec(await journalCodec({ keys: journal.keys }));
  let agents: ServiceProcess;
  try {
    agents = await ServiceProcess.start(app, {
      port: agentsPort,
      guardNetwork: false,
      env: { RESTATE_INGRESS_URL: restate.ingressUrl, RESTATE_DATA_DIR: baseDir, ...options.env },
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
    ingressUrl: restate.ingressUrl,
    adminUrl: restate.adminUrl,
    dataDir: baseDir,
    encrypted: journal !== undefined,
    async stop() {
      await agents.stop();
      await restate.stop();
    },
  };
}

async function ensureFree(ports: Record<string, number>): Promise<void> {
  for (const [name, port] of Object.entries(ports)) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (!free) {
      throw new Error(
        `Port ${port} is already in use (is another restate-server or the examples endpoint running?). Stop it, or pick another port with ${name}=<port>.`,
      );
    }
  }
}
