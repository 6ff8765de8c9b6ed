/**
 * Everything an integration suite needs around a child-process agent service: a restate-server
 * (or a local cluster of them), the probe, the fake OpenAI API, the service itself (registered),
 * and a crash helper.
 */
import { fileURLToPath } from "node:url";
import { FakeOpenAI } from "./fake-openai.ts";
import { Probe } from "./probe.ts";
import { RestateCluster, type RestateClusterOptions } from "./restate-cluster.ts";
import { RestateServer, type RestateServerOptions } from "./restate-server.ts";
import { ServiceProcess } from "./service-process.ts";

export interface AgentSuite<R extends RestateServer | RestateCluster = RestateServer> {
  restate: R;
  probe: Probe;
  fake: FakeOpenAI;
  service: ServiceProcess;
  /**
   * Kills the service (SIGKILL) the next time it reports effect `name`, before the effect is
   * answered, then starts it again. Resolves once the service is back.
   */
  crashAt(name: string): Promise<void>;
  stop(): Promise<void>;
}

interface SuiteOptions {
  env?: Record<string, string>;
  onServiceOutput?: (text: string) => void;
  /**
   * How the service is served: `"node"` (default), `restate.serve` over HTTP/2; `"fetch"`, a
   * fetch handler over HTTP/1.1 in request-response mode, as on a serverless platform.
   */
  serve?: "node" | "fetch";
}

const fetchEntry = fileURLToPath(new URL("./fetch-child-entry.ts", import.meta.url));

export function startAgentSuite(
  serviceModule: string,
  options: SuiteOptions & { restate?: RestateServerOptions } = {},
): Promise<AgentSuite> {
  return startAround(() => RestateServer.start(options.restate), serviceModule, options);
}

/** The same around a local cluster (default: 3 nodes, replication 2). */
export function startClusterAgentSuite(
  serviceModule: string,
  options: SuiteOptions & { cluster?: RestateClusterOptions } = {},
): Promise<AgentSuite<RestateCluster>> {
  return startAround(() => RestateCluster.start(options.cluster), serviceModule, options);
}

async function startAround<R extends RestateServer | RestateCluster>(
  startRestate: () => Promise<R>,
  serviceModule: string,
  options: SuiteOptions,
): Promise<AgentSuite<R>> {
  const [restate, probe, fake] = await Promise.all([
    startRestate(),
    Probe.start(),
    FakeOpenAI.start(),
  ]);
  const viaFetch = options.serve === "fetch";
  const service = await ServiceProcess.start(serviceModule, {
    env: { ...fake.env(), PROBE_URL: probe.url, ...options.env },
    ...(options.onServiceOutput === undefined ? {} : { onOutput: options.onServiceOutput }),
    ...(viaFetch ? { entry: fetchEntry } : {}),
  });
  await restate.register(service.url, { http11: viaFetch });
  return {
    restate,
    probe,
    fake,
    service,
    crashAt(name) {
      const restarted = Promise.withResolvers<void>();
      probe.gate(name, async () => {
        probe.ungate(name);
        await service.kill();
        service.restart().then(restarted.resolve, restarted.reject);
      });
      return restarted.promise;
    },
    async stop() {
      await service.stop();
      await Promise.all([restate.stop(), probe.close(), fake.close()]);
    },
  };
}
