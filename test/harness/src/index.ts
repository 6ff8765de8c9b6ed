export { type AgentSuite, startAgentSuite, startClusterAgentSuite } from "./agent-suite.ts";
export { ClusterNode, type NodePorts } from "./cluster-node.ts";
export type { PartitionReplica } from "./cluster-topology.ts";
export {
  conversation,
  type ErrorReply,
  type ModelRequest,
  type ModelTurn,
  outputOf,
  type Reply,
  type Script,
  type ToolCallReply,
} from "./conversation.ts";
export { type EmbeddingRequest, FakeOpenAI, type RecordedRequest } from "./fake-openai.ts";
export { freePort } from "./free-port.ts";
export { type RestateTestEnvironment, startRestateWith } from "./in-process.ts";
export { FakeMcpServer } from "./mcp-server.ts";
export {
  streamOf,
  textParts,
  textResult,
  toolCallParts,
  toolCallResult,
  usage,
} from "./mock-results.ts";
export { type Effect, Probe } from "./probe.ts";
export { recordEffect } from "./probe-client.ts";
export {
  attachSurviving,
  callSurviving,
  type SurvivingOptions,
  type SurvivingResult,
} from "./reattach.ts";
export {
  IngressError,
  type InvocationRow,
  type JournalEntry,
  RestateApi,
  type ValueCodec,
} from "./restate-api.ts";
export { RestateCluster, type RestateClusterOptions } from "./restate-cluster.ts";
export { RestateServer, type RestateServerOptions } from "./restate-server.ts";
export { clusterSql, restatectlBinary } from "./restatectl.ts";
export type { ResidentMemory } from "./server-process.ts";
export { ServiceProcess, type ServiceProcessOptions } from "./service-process.ts";
