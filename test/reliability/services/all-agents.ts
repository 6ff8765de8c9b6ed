/** Every agent the reliability suites run, served by one endpoint. */
import { vercelDurableAgent } from "./durable-agent.ts";
import { baseServices } from "./reliability-agents.ts";

export { endpointOptions } from "./reliability-agents.ts";
export const services = [...baseServices, vercelDurableAgent];
