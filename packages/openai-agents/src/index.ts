export type { ApprovalAnswer, ApprovalOptions, ApprovalRequest } from "@restate-ai/core";
export {
  type ApprovalAnswerRequest,
  type ApprovalAnswerResult,
  type ChatEndpoint,
  type ChatEndpointOptions,
  type ChatStreams,
  type ChatStreamsOptions,
  type ChatStreamTarget,
  type ChatStreamWaiter,
  type ChatTurn,
  chatEndpoint,
  chatStreams,
  type StopResult,
  type UIChunk,
} from "@restate-ai/core";
export { resolveApprovals } from "./approvals.js";
export { type PublishAgentRunOptions, publishAgentRun } from "./chat-stream.js";
export { DurableModelProvider, durableModel } from "./durable-model.js";
export { DurableRunner, durableRun } from "./durable-runner.js";
export { DurableRunAborted, restateContext } from "./durable-scope.js";
export { DEFAULT_TOOL_ERROR_MESSAGE, type DurableToolExtras, durableTool } from "./durable-tool.js";
export { RestateSession, type RestateSessionOptions } from "./restate-session.js";
export type { DurableRunnerConfig } from "./run-settings.js";
