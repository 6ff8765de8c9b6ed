/**
 * Entry point of a child-process service: imports the module named on the command line, serves
 * its exported `services` (with its exported `endpointOptions`, e.g. a journal codec, if any) on
 * `127.0.0.1:$PORT`, tells the parent when it listens, and reports its peak RSS when asked.
 */
import { createServer } from "node:http2";
import * as restate from "@restatedev/restate-sdk";
import { answerPeakRss } from "./peak-rss.ts";

const modulePath = process.argv[2];
if (modulePath === undefined) throw new Error("usage: child-entry <service module>");
const mod = (await import(modulePath)) as {
  services?: restate.ServiceDefinition<string, unknown>[];
  endpointOptions?: Omit<restate.EndpointOptions, "services">;
};
if (!Array.isArray(mod.services)) throw new Error(`${modulePath} must export \`services\``);
const handler = restate.createEndpointHandler({ ...mod.endpointOptions, services: mod.services });
const server = createServer(handler);
const port = await new Promise<number>((resolve, reject) => {
  server.once("error", reject);
  server.listen(Number(process.env.PORT), "127.0.0.1", () => {
    const address = server.address();
    resolve(typeof address === "object" && address !== null ? address.port : 0);
  });
});
process.send?.({ type: "ready", port });
answerPeakRss();
