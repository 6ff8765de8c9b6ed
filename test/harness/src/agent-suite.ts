/**
 * Everything an integration suite needs around a child-process agent service: a restate-server,
 * the probe, the fake OpenAI API, the service itself (registered), and a crash helper.
 */
import { FakeOpenAI } from "./fake-openai.ts";
import { Probe } from "./probe.ts";
import { RestateServer, type RestateServerOptions } from "./restate-server.ts";
import { ServiceProcess } from "./service-process.ts";

export interface AgentSuite {
  restate: RestateServer;
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

export async function startAgentSuite(
  serviceModule: string,
  options: {
    env?: Record<string, string>;
    restate?: RestateServerOptions;
    onServiceOutput?: (text: string) => void;
  } = {},
): Promise<AgentSuite> {
  const [restate, probe, fake] = await Promise.all([
    RestateServer.start(options.restate),
    Probe.start(),
    FakeOpenAI.start(),
  ]);
  const service = await ServiceProcess.start(serviceModule, {
    env: { ...fake.env(), PROBE_URL: probe.url, ...options.env },
    ...(options.onServiceOutput === undefined ? {} : { onOutput: options.onServiceOutput }),
  });
  await restate.register(service.url);
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
