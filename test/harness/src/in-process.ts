/**
 * Serves Restate services from the test process itself and registers them with a real server.
 *
 * Used by the packages' own tests: handlers share objects with the test (e.g. a
 * `MockLanguageModelV4` whose calls are counted), while the journal, retries and replays are the
 * real engine's.
 */
import { createServer, type Http2Server } from "node:http2";
import * as restate from "@restatedev/restate-sdk";
import { RestateServer, type RestateServerOptions } from "./restate-server.ts";

export interface RestateTestEnvironment {
  restate: RestateServer;
  stop(): Promise<void>;
}

type AnyDefinition = restate.ServiceDefinition<string, unknown>;

/**
 * Starts a restate-server, serves `services` in this process, and registers them.
 *
 * @param endpointOptions further options of the endpoint, e.g. a journal value codec.
 */
export async function startRestateWith(
  services: AnyDefinition[],
  options: RestateServerOptions = {},
  endpointOptions: Omit<restate.EndpointOptions, "services"> = {},
): Promise<RestateTestEnvironment> {
  const server = await RestateServer.start(options);
  const endpoint: Http2Server = createServer(
    restate.createEndpointHandler({ ...endpointOptions, services }),
  );
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
  const address = endpoint.address();
  if (address === null || typeof address === "string") throw new Error("endpoint has no port");
  await server.register(`http://127.0.0.1:${address.port}`);
  return {
    restate: server,
    async stop() {
      await server.stop();
      await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    },
  };
}
