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
  generateJournalKey,
  JOURNAL_KEYS_ENV,
  JOURNAL_KEYS_FILE_ENV,
  JOURNALED_RESPONSE_HEADERS,
  JournalDecryptionError,
  type JournalEncryptionEndpointOptions,
  type JournalEncryptionOptions,
  type JournalKey,
  JournalKeyConfigError,
  journalCodec,
  journalEncryption,
  journalKeysFromEnv,
  parseJournalKeys,
  redactSecrets,
  retryUndecryptableInput,
  type StopResult,
  type UIChunk,
  withoutSecrets,
} from "@restate-ai/core";
export type { JournalValueCodec } from "@restatedev/restate-sdk";
export { type AgentServiceHandlers, agentService } from "./agent-service.js";
export { resolveApprovals } from "./approvals.js";
export { type PublishAgentRunOptions, publishAgentRun } from "./chat-stream.js";
export { DurableModelProvider, durableModel } from "./durable-model.js";
export { DurableRunner, durableRun } from "./durable-runner.js";
export { DurableRunAborted, restateContext } from "./durable-scope.js";
export { DEFAULT_TOOL_ERROR_MESSAGE, type DurableToolExtras, durableTool } from "./durable-tool.js";
export { durableMcpServer } from "./mcp-servers.js";
export { RestateSession, type RestateSessionOptions } from "./restate-session.js";
export type { DurableRunnerConfig } from "./run-settings.js";
