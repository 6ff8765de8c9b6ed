/**
 * Entry point of a child-process service: imports the module named on the command line, serves
 * its exported `services` on `$PORT`, tells the parent when it listens, and reports its peak RSS
 * when asked.
 */

import * as restate from "@restatedev/restate-sdk";
import { answerPeakRss } from "./peak-rss.ts";

const modulePath = process.argv[2];
if (modulePath === undefined) throw new Error("usage: child-entry <service module>");
const mod = (await import(modulePath)) as {
  services?: restate.ServiceDefinition<string, unknown>[];
};
if (!Array.isArray(mod.services)) throw new Error(`${modulePath} must export \`services\``);
const port = await restate.serve({ services: mod.services, port: Number(process.env.PORT) });
process.send?.({ type: "ready", port });
answerPeakRss();
